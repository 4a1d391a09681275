export { bodyBytesMax, operationLimitsDefault, pageSizeArguments, resolveLimits, type OperationLimits } from './config.ts';
export { checkDocument, checkOperation, limitErrors, type CheckOptions } from './check.ts';
export { limitExceeded, type LimitName } from './errors.ts';
export { fragmentsOf, measureOperation, type OperationMeasure } from './measure.ts';
export type { VariableValues } from './page-size.ts';
export {
  aliasLimitRule,
  costLimitRule,
  depthLimitRule,
  operationLimitsRule,
  pageSizeLimitRule,
  type LimitRuleOptions,
} from './rules.ts';
export { countTokens } from './tokens.ts';
