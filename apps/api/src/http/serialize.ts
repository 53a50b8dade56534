/**
 * A route's response serializer that trusts the handler's types instead of parsing the body against its zod
 * schema first (what the app-wide serializer does). Only for hot routes whose tests check real responses
 * against the schema; the schema still documents the route in OpenAPI.
 */
export const serializeWithoutValidation = () => (data: unknown) => JSON.stringify(data);
