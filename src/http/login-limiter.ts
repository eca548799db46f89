import { RateLimiterMemory } from 'rate-limiter-flexible';

/** Failed logins allowed per client address in `LOGIN_WINDOW_SECONDS`; then it waits out the window. */
export const LOGIN_ATTEMPTS = 5;
export const LOGIN_WINDOW_SECONDS = 15 * 60;

/** Counts failed console logins per client address. */
export class LoginLimiter {
  readonly #limiter = new RateLimiterMemory({ points: LOGIN_ATTEMPTS, duration: LOGIN_WINDOW_SECONDS });

  /** Seconds the address must wait before trying again, or 0 when it may try now. */
  async waitSeconds(address: string): Promise<number> {
    const res = await this.#limiter.get(address);
    if (!res || res.consumedPoints < LOGIN_ATTEMPTS) return 0;
    return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  }

  async failed(address: string): Promise<void> {
    await this.#limiter.penalty(address, 1);
  }

  async succeeded(address: string): Promise<void> {
    await this.#limiter.delete(address);
  }
}
