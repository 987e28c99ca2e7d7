// The environment variables that hold credentials: masked before anything is logged.
export const SECRET_ENV_VARS = ['MLFLOW_TRACKING_PASSWORD', 'MLFLOW_TRACKING_TOKEN', 'GITHUB_TOKEN', 'INPUT_GITHUB-TOKEN'] as const

export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return SECRET_ENV_VARS.map((name) => env[name]).filter((v): v is string => !!v && v.trim() !== '')
}
