import type { ValidationRule } from 'graphql';
import { resolveLimits, type OperationLimits } from './config.ts';
import { limitErrors } from './check.ts';
import type { LimitName } from './errors.ts';
import type { VariableValues } from './page-size.ts';

/**
 * graphql 16 ValidationRules for Apollo Server's `validationRules` and for graphql-ws's `validate`.
 * Apollo caches validation per document, so there they see no variable values: a page size given as
 * a variable is costed at its default (or `pageSizeDefault`) and range-checked only when the caller
 * passes `variables` here or runs checkDocument once the variables are known.
 */
export interface LimitRuleOptions {
  limits?: Partial<OperationLimits>;
  variables?: VariableValues;
}

function limitRule(checks: readonly LimitName[], options: LimitRuleOptions): ValidationRule {
  const limits = resolveLimits(options.limits);
  const selected = new Set(checks);
  return (context) => ({
    Document(document) {
      const errors = limitErrors(document, { schema: context.getSchema(), variables: options.variables, limits }, selected);
      for (const error of errors) context.reportError(error);
      return false;
    },
  });
}

export const depthLimitRule = (options: LimitRuleOptions = {}): ValidationRule => limitRule(['depth'], options);
export const aliasLimitRule = (options: LimitRuleOptions = {}): ValidationRule => limitRule(['aliases'], options);
export const costLimitRule = (options: LimitRuleOptions = {}): ValidationRule => limitRule(['cost'], options);
export const pageSizeLimitRule = (options: LimitRuleOptions = {}): ValidationRule => limitRule(['pageSize'], options);

/** Every operation limit as one rule, which walks the document once. */
export const operationLimitsRule = (options: LimitRuleOptions = {}): ValidationRule =>
  limitRule(['depth', 'aliases', 'cost', 'pageSize'], options);
