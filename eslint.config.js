import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/generated/**", "**/dist/**", ".toolchain/**", "artifacts/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Plain Node scripts (no TypeScript to know the globals).
  { files: ["**/*.mjs", "**/*.js"], languageOptions: { globals: globals.node } },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // Dependency boundaries (ARCHITECTURE.md): apps → packages, never the other way; the dashboard speaks only the
  // wire contract; benchmarks drive the platform through the apps' exported test support, not their internals.
  {
    files: ["packages/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "(^|/)apps/", message: "Packages never import apps: move what both need into a package." },
            { regex: "^@oz/(api|worker|web|cli)(/|$)", message: "Packages never import apps." },
          ],
        },
      ],
    },
  },
  {
    files: ["apps/web/src/**/*.ts", "apps/web/src/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^@oz/(?!contract(/|$))",
              message: "The dashboard imports only @oz/contract: it talks to the platform over the HTTP API.",
            },
            {
              regex: "^(\\.\\./)+(packages|apps)/|^(\\.\\./)+(api|worker|cli)/(src|test)/",
              message: "The dashboard imports only @oz/contract, never another app's or a package's files.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["bench/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "(^|/)apps/[^/]+/src/",
              message: "Benchmarks use the apps' exported test support (apps/*/test/support), not their sources.",
            },
          ],
        },
      ],
    },
  },
);
