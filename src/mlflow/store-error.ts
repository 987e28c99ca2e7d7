/**
 * An operation MLflow itself would refuse (a bad name, a changed param…), found by our own checks,
 * with MLflow's error code so callers can treat
 * it like the REST store's `MlflowApiError` (`RESOURCE_ALREADY_EXISTS`, `INVALID_PARAMETER_VALUE`…).
 */
export class MlflowStoreError extends Error {
  constructor(
    readonly errorCode:
      | 'INVALID_PARAMETER_VALUE'
      | 'RESOURCE_ALREADY_EXISTS'
      | 'RESOURCE_DOES_NOT_EXIST'
      | 'INVALID_STATE',
    message: string,
  ) {
    super(`${errorCode}: ${message}`)
    this.name = 'MlflowStoreError'
  }
}
