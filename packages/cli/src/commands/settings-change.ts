import { ApiError, type AppSettings, type AppSettingsChange, ErrorCode } from "@berth/api";
import type { Session } from "../session.ts";

/**
 * Changes an app's router settings (they apply at once, no release). Returns the settings after the
 * change, and whether anything changed: asking for what is already so is not an error, so scripts can
 * say `maintenance:on` without checking first.
 */
export async function changeSettings(
  session: Session,
  app: string,
  change: AppSettingsChange,
): Promise<{ settings: AppSettings; changed: boolean }> {
  try {
    return { settings: await session.client.settings.set(app, change), changed: true };
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== ErrorCode.NothingChanged) throw error;
    return { settings: await session.client.settings.get(app), changed: false };
  }
}
