import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ModelList, Problem } from "@oz/contract";
import { ModelCatalogue } from "@oz/llm";
import type { AppDeps } from "../deps.ts";

/** `GET /models` (ours; what `oz model list` prints): the models the built-in harness can use. Never a key. */
export const modelRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const catalogue = deps.models ?? new ModelCatalogue([]);
  app.get(
    "/models",
    {
      schema: {
        summary: "The models runs of the built-in harness can use (config.model_id)",
        tags: ["models"],
        response: { 200: ModelList, 401: Problem },
      },
    },
    async () => ({ models: catalogue.describe(), default_model_id: catalogue.defaultModelId }),
  );
};
