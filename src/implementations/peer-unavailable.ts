/**
 * A peer implementation whose library is missing or cannot start here (a Python package that
 * does not import, a JavaScript package not installed). Its message says what is missing and how
 * to install it; a scoreboard skips that peer and shows the message instead of failing.
 */
export class PeerUnavailableError extends Error {
  override readonly name = 'PeerUnavailableError';
}
