/**
 * The "Lakelens" output channel and error reporting: every failure is logged with its file, and
 * user-facing errors become a notification naming the file. Nothing here throws.
 */
import * as vscode from 'vscode';
import { isLakeError } from '../core/errors';
import { inertText } from '../core/format';

export class Log implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Lakelens');

  info(msg: string): void {
    this.channel.appendLine(`[${new Date().toISOString()}] ${msg}`);
  }

  /** Logs an error (with stack for internal ones) and returns a one-line message for the user. */
  error(context: string, err: unknown): string {
    const msg = messageOf(err);
    const internal = !isLakeError(err);
    this.channel.appendLine(`[${new Date().toISOString()}] ${internal ? 'ERROR' : 'error'} ${context}: ${msg}`);
    if (internal && err instanceof Error && err.stack) this.channel.appendLine(err.stack);
    return msg;
  }

  /** Logs and shows a notification; "Show Log" opens the channel. */
  notify(context: string, err: unknown): void {
    const msg = this.error(context, err);
    if (isLakeError(err) && err.kind === 'cancelled') return;
    void vscode.window.showErrorMessage(`Lakelens: ${context}: ${inertText(msg)}`, 'Show Log').then((pick) => {
      if (pick) this.channel.show(true);
    });
  }

  dispose(): void {
    this.channel.dispose();
  }
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
