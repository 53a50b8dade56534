import { Argument, type Command } from "commander";
import { actionOf, type Runtime } from "../runtime.ts";

/** One command of the tree: its path (`run list`), subcommand names and long option flags. */
interface Node {
  path: string;
  subcommands: string[];
  options: string[];
}

/** `oz completion bash|zsh|fish`: a completion script generated from the command tree itself. */
export function registerCompletionCommand(program: Command, runtime: Runtime) {
  program
    .command("completion")
    .description("Print a shell completion script (bash: source <(oz completion bash))")
    .addArgument(new Argument("<shell>").choices(["bash", "zsh", "fish"]))
    .action(
      actionOf(runtime, async (ctx, [shell]) => {
        const nodes = commandTree(program);
        const script = shell === "bash" ? bashScript(nodes) : shell === "zsh" ? zshScript(nodes) : fishScript(nodes);
        ctx.output.out(script);
      }),
    );
}

export function commandTree(program: Command): Node[] {
  const nodes: Node[] = [];
  const visit = (command: Command, path: string[]) => {
    const options = command.options.map((o) => o.long).filter((flag): flag is string => Boolean(flag));
    const subcommands = command.commands.map((c) => c.name());
    nodes.push({ path: path.join(" "), subcommands, options: [...options, "--help"] });
    for (const sub of command.commands) {
      visit(sub, [...path, sub.name()]);
      for (const alias of sub.aliases()) visit(sub, [...path, alias]);
    }
  };
  visit(program, []);
  return nodes;
}

const quote = (words: string[]) => words.join(" ");

function bashScript(nodes: Node[]) {
  const paths = nodes.filter((n) => n.path).map((n) => `"${n.path}"`);
  const cases = nodes.map((n) => `    "${n.path}") words="${quote([...n.subcommands, ...n.options])}" ;;`);
  return `# oz completion for bash: source <(oz completion bash)
_oz_completion() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" candidate w i words
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    candidate="\${path:+$path }$w"
    case "$candidate" in
      ${paths.join("|")}) path="$candidate" ;;
    esac
  done
  case "$path" in
${cases.join("\n")}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _oz_completion oz`;
}

function zshScript(nodes: Node[]) {
  const paths = nodes.filter((n) => n.path).map((n) => `"${n.path}"`);
  const cases = nodes.map((n) => `    "${n.path}") candidates=(${[...n.subcommands, ...n.options].join(" ")}) ;;`);
  return `#compdef oz
# oz completion for zsh: source <(oz completion zsh), or save as _oz in a directory of $fpath
_oz() {
  local path="" candidate w
  local -a candidates
  for w in \${words[2,CURRENT-1]}; do
    [[ "$w" == -* ]] && continue
    candidate="\${path:+$path }$w"
    case "$candidate" in
      ${paths.join("|")}) path="$candidate" ;;
    esac
  done
  case "$path" in
${cases.join("\n")}
  esac
  compadd -- $candidates
}
compdef _oz oz`;
}

function fishScript(nodes: Node[]) {
  const paths = nodes.filter((n) => n.path).map((n) => `'${n.path}'`);
  const lines = nodes.flatMap((n) => {
    const when = `-n "test (__oz_command_path) = '${n.path}'"`;
    const entries: string[] = [];
    if (n.subcommands.length) entries.push(`complete -c oz -f ${when} -a '${n.subcommands.join(" ")}'`);
    for (const option of n.options) entries.push(`complete -c oz ${when} -l ${option.replace(/^--/, "")}`);
    return entries;
  });
  return `# oz completion for fish: oz completion fish > ~/.config/fish/completions/oz.fish
set -g __oz_paths ${paths.join(" ")}
function __oz_command_path
  set -l path ''
  for w in (commandline -opc)[2..-1]
    string match -q -- '-*' $w; and continue
    set -l candidate (string trim -- "$path $w")
    contains -- $candidate $__oz_paths; and set path $candidate
  end
  echo $path
end
${lines.join("\n")}`;
}
