export { ERROR_CATALOGUE, type CatalogueEntry } from "./catalogue.ts";
export { ApiError, notFound, invalid, forbidden, type ApiErrorOptions } from "./api-error.ts";
export { toProblem, problemType, codeOfProblemType } from "./problem.ts";
