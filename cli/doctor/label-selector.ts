// metav1.LabelSelector matching, as the API server applies a webhook's namespaceSelector and
// objectSelector: every matchLabels pair and every matchExpressions requirement must hold. An
// absent or empty selector matches everything.
import { isRecord } from '../../patches/is-record.js';
import { list, stringMap, text } from './k8s-objects.js';

type Labels = Readonly<Record<string, string>>;

function values(requirement: Record<string, unknown>): string[] {
  const v = requirement.values;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function requirementHolds(requirement: Record<string, unknown>, labels: Labels): boolean {
  const key = text(requirement, 'key');
  const has = Object.hasOwn(labels, key);
  switch (text(requirement, 'operator')) {
    case 'In':
      return has && values(requirement).includes(labels[key] ?? '');
    case 'NotIn':
      // A missing label is "not in" any set, as in apimachinery's labels.Requirement.
      return !has || !values(requirement).includes(labels[key] ?? '');
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      // The API server rejects other operators when the webhook is created; never match them.
      return false;
  }
}

export function matchesSelector(selector: unknown, labels: Labels): boolean {
  if (!isRecord(selector)) return true;
  const pairs = Object.entries(stringMap(selector, 'matchLabels'));
  if (!pairs.every(([k, v]) => labels[k] === v)) return false;
  return list(selector, 'matchExpressions').every((r) => requirementHolds(r, labels));
}

/** True when the selector selects everything, so no labels need to be known to apply it. */
export function selectsEverything(selector: unknown): boolean {
  if (!isRecord(selector)) return true;
  return (
    Object.keys(stringMap(selector, 'matchLabels')).length === 0 &&
    list(selector, 'matchExpressions').length === 0
  );
}
