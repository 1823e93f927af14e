import { z } from 'zod';
import {
  ENVIRONMENT_NAME_MAX_LENGTH,
  LABEL_NAME_MAX_LENGTH,
  LABEL_NAME_RULE,
  LABEL_PREFIX_MAX_LENGTH,
  LABEL_VALUE_MAX_LENGTH,
  labelKeyProblem,
  labelValueProblem,
  MAX_LABELS,
} from './label-rules';

/** `{ "region": "eu" }`: each bad key or value is reported at `labels.<key>`. */
export const labelsSchema = z
  .record(z.string(), z.string())
  .superRefine((labels, context) => {
    const keys = Object.keys(labels);
    if (keys.length > MAX_LABELS) {
      context.addIssue({ code: 'custom', message: `at most ${MAX_LABELS} labels (got ${keys.length})` });
    }
    for (const key of keys) {
      const keyProblem = labelKeyProblem(key);
      const valueProblem = keyProblem ? undefined : labelValueProblem(labels[key]);
      if (keyProblem) context.addIssue({ code: 'custom', path: [key], message: `invalid label key: ${keyProblem}` });
      if (valueProblem)
        context.addIssue({ code: 'custom', path: [key], message: `invalid label value: ${valueProblem}` });
    }
  })
  .describe(
    `Up to ${MAX_LABELS} labels as an object of key → value, Kubernetes syntax: key = optional DNS-subdomain prefix ` +
      `(≤ ${LABEL_PREFIX_MAX_LENGTH}) and "/", then a name (≤ ${LABEL_NAME_MAX_LENGTH}) of ${LABEL_NAME_RULE}; value ≤ ` +
      `${LABEL_VALUE_MAX_LENGTH} characters of the same kind, or empty`,
  );
export type Labels = z.infer<typeof labelsSchema>;

/** Label keys named for removal (bulk `remove_labels`). */
export const labelKeysSchema = z
  .array(z.string())
  .min(1)
  .max(MAX_LABELS)
  .superRefine((keys, context) => {
    keys.forEach((key, index) => {
      const problem = labelKeyProblem(key);
      if (problem) context.addIssue({ code: 'custom', path: [index], message: `invalid label key: ${problem}` });
    });
  });

export const environmentNameSchema = z
  .string()
  .min(1)
  .max(ENVIRONMENT_NAME_MAX_LENGTH)
  .describe('One of the environments configured with CLIENT_ENVIRONMENTS (default production, staging, development)');
