/** A bad input or input file, found before anything is written to MLflow. */
export class InputError extends Error {
  constructor(
    /** The input's name (`results`) or the file's path, as the user wrote it. */
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`)
    this.name = 'InputError'
  }
}
