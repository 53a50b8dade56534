export { ALLOWED_FROM, canTransition, transitionRun, type RunPatch, type TransitionRequest } from "./state-machine.ts";
