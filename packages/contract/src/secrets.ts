import { z } from "zod";
import { Timestamp } from "./common.ts";

// Ours (the contract references team secrets by name but defines no management routes): `/secrets`.

/** Secrets are injected as environment variables of the same name. `OZ_` names belong to the platform. */
export const SecretName = z
  .string()
  .min(1, "name is required")
  .max(128, "name may be at most 128 characters")
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    "name must be an environment variable name: letters, digits and _, not starting with a digit",
  )
  .refine((name) => !name.startsWith("OZ_"), "names starting with OZ_ are reserved for the platform");

const MAX_VALUE_BYTES = 64 * 1024;

export const SecretValue = z
  .string()
  .min(1, "value is required")
  .refine((value) => new TextEncoder().encode(value).length <= MAX_VALUE_BYTES, "value may be at most 64 KiB")
  .refine((value) => !value.includes("\0"), "value must not contain NUL characters");

const SecretDescription = z.string().max(240, "description may be at most 240 characters");

export const CreateSecretRequest = z
  .object({ name: SecretName, value: SecretValue, description: SecretDescription.nullish() })
  .meta({ id: "CreateSecretRequest" });
export type CreateSecretRequest = z.infer<typeof CreateSecretRequest>;

export const PutSecretRequest = z
  .object({
    value: SecretValue,
    /** Absent or null: keep the current description; empty: clear it. */
    description: SecretDescription.nullish(),
  })
  .meta({ id: "PutSecretRequest" });
export type PutSecretRequest = z.infer<typeof PutSecretRequest>;

/** A secret as the API shows it: never its value. */
export const SecretItem = z
  .object({
    name: z.string(),
    description: z.string().optional(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: "SecretItem" });
export type SecretItem = z.infer<typeof SecretItem>;

export const ListSecretsResponse = z.object({ secrets: z.array(SecretItem) }).meta({ id: "ListSecretsResponse" });

export const SecretNameParams = z.object({ name: z.string() });

export const DeleteSecretResponse = z.object({ success: z.literal(true) }).meta({ id: "DeleteSecretResponse" });
