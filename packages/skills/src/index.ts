export {
  SKILL_FILE_NAME,
  SKILL_ROOTS,
  candidatePaths,
  isDiscoverableSkillPath,
  parseSkillSpec,
  skillId,
  skillNameFromPath,
  skillNameFromSpec,
  type SkillSpec,
} from "./skill-spec.ts";
export { parseSkillFile, type SkillFile } from "./skill-file.ts";
