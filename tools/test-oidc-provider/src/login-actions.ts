import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InteractionDetails, Provider } from 'oidc-provider';

/** Keycloak's login pages live under `{issuer}/login-actions/…`; the interaction's uid follows. */
export const LOGIN_ACTIONS_PATH = '/login-actions/';

const MAX_FORM_BYTES = 16 * 1024;

export interface LoginChecker {
  /** The user's id (`sub`) when the username (or e-mail) and password match an enabled user, else undefined. */
  (username: string, password: string): string | undefined;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character,
  );

/** Keycloak-like sign-in form: labelled fields, one submit button, the error as an alert. */
export function loginPage(options: { realm: string; action: string; username?: string; error?: string }): string {
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to ${escapeHtml(options.realm)}</title>
<style>
  body { font-family: system-ui, sans-serif; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  main { width: min(360px, 100% - 32px); }
  form { display: flex; flex-direction: column; gap: 8px; }
  input { font: inherit; padding: 8px; }
  button { font: inherit; padding: 8px; }
  .error { color: #b00020; }
</style>
</head>
<body>
<main>
  <h1>Sign in to ${escapeHtml(options.realm)}</h1>
  ${error}
  <form method="post" action="${escapeHtml(options.action)}" autocomplete="off">
    <label for="username">Username or email</label>
    <input id="username" name="username" type="text" autocomplete="username" required autofocus value="${escapeHtml(options.username ?? '')}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">Sign In</button>
  </form>
</main>
</body>
</html>`;
}

function sendHtml(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
  });
  response.end(html);
}

function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        reject(new Error('form too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    request.on('error', reject);
  });
}

/**
 * Every client of this realm is first-party (as the console is to its operator's realm), so consent is never
 * asked: whatever the authorization request still lacks is granted at once, as Keycloak does for a client with
 * "Consent required" off.
 */
async function grantConsent(provider: Provider, interaction: InteractionDetails): Promise<string> {
  const { details } = interaction.prompt;
  const accountId = interaction.session?.accountId;
  const clientId = String(interaction.params['client_id'] ?? '');
  const grant =
    (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined) ??
    new provider.Grant({ accountId, clientId });
  const missingScope = details['missingOIDCScope'];
  if (Array.isArray(missingScope)) grant.addOIDCScope(missingScope.join(' '));
  const missingClaims = details['missingOIDCClaims'];
  if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims as string[]);
  const missingResourceScopes = details['missingResourceScopes'];
  if (missingResourceScopes && typeof missingResourceScopes === 'object') {
    for (const [resource, scopes] of Object.entries(missingResourceScopes as Record<string, string[]>)) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
  }
  return grant.save();
}

/**
 * `GET|POST {issuer}/login-actions/{uid}`: oidc-provider's interaction for an authorization request. The login
 * prompt shows the form and checks the realm's users; the consent prompt is answered without a page.
 */
export async function handleLoginAction(
  provider: Provider,
  realmName: string,
  checkLogin: LoginChecker,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  let interaction: InteractionDetails;
  try {
    interaction = await provider.interactionDetails(request, response);
  } catch {
    return sendHtml(response, 400, '<!DOCTYPE html><title>Sign-in expired</title><p>This sign-in has expired.</p>');
  }
  const action = (request as IncomingMessage & { originalUrl?: string }).originalUrl?.split('?')[0] ?? '';
  const prompt = interaction.prompt.name;

  if (prompt === 'consent') {
    const grantId = await grantConsent(provider, interaction);
    return provider.interactionFinished(request, response, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (prompt !== 'login') {
    return sendHtml(response, 400, `<!DOCTYPE html><title>Unsupported</title><p>Unsupported prompt ${prompt}.</p>`);
  }
  if (request.method !== 'POST') return sendHtml(response, 200, loginPage({ realm: realmName, action }));

  const form = await readForm(request);
  const username = form.get('username') ?? '';
  const accountId = checkLogin(username, form.get('password') ?? '');
  if (!accountId) {
    // Keycloak's wording, and no hint whether the user exists.
    return sendHtml(
      response,
      200,
      loginPage({ realm: realmName, action, username, error: 'Invalid username or password.' }),
    );
  }
  return provider.interactionFinished(request, response, { login: { accountId } }, { mergeWithLastSubmission: false });
}

/** The end-session confirmation: skipped (submitted at once) when the client proved the session with id_token_hint. */
export function logoutPage(form: string, confirmAtOnce: boolean): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign out</title></head>
<body>
<main>
  <h1>Do you want to sign out?</h1>
  ${form}
  <button id="logout-yes" type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button>
  <button type="submit" form="op.logoutForm">Stay signed in</button>
</main>
${confirmAtOnce ? '<script>document.getElementById("logout-yes").click();</script>' : ''}
</body>
</html>`;
}

export const LOGGED_OUT_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head>
<body><main><h1>You are signed out</h1></main></body></html>`;
