/**
 * The container security context the library writes by default (restricted Pod Security Standard),
 * as it appears in synthesized manifests. Tests compare against this one value, so a change of the
 * default is a change in one place.
 */
export const HARDENED_CONTAINER_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  privileged: false,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
