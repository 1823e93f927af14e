import { randomBytes } from 'node:crypto';
import { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { launchChromium, screenshots, seriousViolations } from '../support/browser';
import { RunningController, startController } from '../support/controller-process';
import { Api } from '../support/http';
import {
  CONSOLE_SPA_CLIENT_ID,
  CONTROLLER_CLIENT,
  IdpUser,
  RunningOidcProvider,
  startOidcProvider,
} from '../support/oidc-provider-process';

const REALM = 'agents';
/** Short enough that the console renews (30 s before expiry) within the test, long enough to sign in first. */
const ACCESS_TOKEN_LIFESPAN = 40;

const unique = () => randomBytes(4).toString('hex');
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

/**
 * Keycloak sign-in in the console, in Debian's Chromium against the built controller in keycloak mode and the
 * test OpenID provider: authorization code flow with PKCE as the realm's public client, the realm's login form,
 * the realm role making a global admin, reload, renewal with the refresh token, and sign-out at the realm.
 */
describe('console sign-in with Keycloak', () => {
  let idp: RunningOidcProvider;
  let controller: RunningController;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  /** Bearer tokens the console sent to the controller's API, in order. */
  const bearers: string[] = [];
  let admin: IdpUser;
  let member: IdpUser;

  async function newIdpUser(realmRoles: string[]): Promise<IdpUser> {
    const username = `user-${unique()}`;
    const user = {
      username,
      password: `pw-${unique()}`,
      email: `${username}@example.com`,
      emailVerified: true,
      realmRoles,
    };
    await idp.putUser(user);
    return user;
  }

  beforeAll(async () => {
    [idp, browser] = await Promise.all([startOidcProvider({ realms: [REALM] }), launchChromium()]);
    controller = await startController({
      env: {
        AUTHENTICATION_METHOD: 'keycloak',
        KEYCLOAK_AUTH_SERVER_URL: idp.url,
        KEYCLOAK_REALM: REALM,
        KEYCLOAK_CLIENT_ID: CONTROLLER_CLIENT.clientId,
        KEYCLOAK_CONSOLE_CLIENT_ID: CONSOLE_SPA_CLIENT_ID,
        CLIENT_HEALTH_INTERVAL: '86400',
      },
    });
    // As an operator registers the console's URLs in the realm's client.
    await idp.putClient({
      clientId: CONSOLE_SPA_CLIENT_ID,
      public: true,
      audience: ['account'],
      accessTokenLifespan: ACCESS_TOKEN_LIFESPAN,
      redirectUris: [`${controller.baseUrl}/auth/callback`],
      postLogoutRedirectUris: [`${controller.baseUrl}/login`],
    });
    [admin, member] = await Promise.all([newIdpUser(['admin']), newIdpUser([])]);
    context = await browser.newContext();
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('request', (request) => {
      const authorization = request.headers()['authorization'];
      if (request.url().startsWith(`${controller.baseUrl}/api/`) && authorization?.startsWith('Bearer ')) {
        bearers.push(authorization.slice('Bearer '.length));
      }
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await controller?.stop();
    await idp?.stop();
  });

  const isRefresh = (request: Request) =>
    request.url() === `${idp.issuer()}/protocol/openid-connect/token` &&
    (request.postData() ?? '').includes('grant_type=refresh_token');

  async function signInAtRealm(user: IdpUser): Promise<void> {
    await page.getByRole('button', { name: 'Sign in with Keycloak' }).click();
    await page.waitForURL(`${idp.issuer()}/login-actions/**`);
    await page.getByLabel('Username or email').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign In' }).click();
    // Back in the console: on the page that sent the user to sign in, else its home.
    await page.waitForURL(
      (url) => url.origin === new URL(controller.baseUrl).origin && !/^\/(auth\/|login)/.test(url.pathname),
    );
  }

  /** Through the realm's end-session endpoint (proving the session with the ID token), and back. */
  async function signOut(): Promise<void> {
    const endSession = page.waitForRequest(
      (request) =>
        request.isNavigationRequest() && request.url().startsWith(`${idp.issuer()}/protocol/openid-connect/logout?`),
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    const query = new URL((await endSession).url()).searchParams;
    expect(query.get('id_token_hint')).toBeTruthy();
    expect(query.get('post_logout_redirect_uri')).toBe(`${controller.baseUrl}/login`);
    await page.waitForURL(`${controller.baseUrl}/login**`);
    await page.getByRole('button', { name: 'Sign in with Keycloak' }).waitFor();
  }

  it("tells the console the realm and the console's client without a sign-in", async () => {
    const response = await new Api(controller.baseUrl).get('/api/auth/config');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      authenticationMethod: 'keycloak',
      keycloak: { issuer: idp.issuer(), clientId: CONSOLE_SPA_CLIENT_ID, scope: 'openid profile email' },
    });
  });

  it('sends a deep link to the log-in page, which offers "Sign in with Keycloak"', async () => {
    await page.goto(`${controller.baseUrl}/clients`);
    await page.waitForURL('**/login?returnTo=%2Fclients');
    await page.getByRole('button', { name: 'Sign in with Keycloak' }).waitFor();
    expect(await page.title()).toBe('Sign in · Agent Controller');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshots(page, '07-keycloak-login');
  });

  it('signs an admin in at the realm (code flow with PKCE) and lands on the clients list as a global admin', async () => {
    const authorization = page.waitForRequest((request) =>
      request.url().startsWith(`${idp.issuer()}/protocol/openid-connect/auth?`),
    );
    await signInAtRealm(admin);

    const query = new URL((await authorization).url()).searchParams;
    expect(Object.fromEntries(query)).toMatchObject({
      client_id: CONSOLE_SPA_CLIENT_ID,
      response_type: 'code',
      code_challenge_method: 'S256',
      redirect_uri: `${controller.baseUrl}/auth/callback`,
    });
    await page.getByText('No clients yet').waitFor();
    await page.getByRole('link', { name: 'Audit' }).waitFor();
    await page.getByText(admin.email ?? '').waitFor();
    // The console sends the realm's access token, obtained by its own client (azp) with no audience mapper.
    const token = bearers.at(-1) ?? '';
    expect(claimsOf(token)).toMatchObject({ azp: CONSOLE_SPA_CLIENT_ID, aud: 'account', iss: idp.issuer() });
  });

  it('keeps the session across a reload', async () => {
    const before = page.url();
    await page.reload();
    await page.getByText('No clients yet').waitFor();
    expect(page.url()).toBe(before);
    await page.getByRole('link', { name: 'Audit' }).waitFor();
  });

  it('renews the access token with the refresh token before it expires, and the API takes the new one', async () => {
    const before = bearers.at(-1);
    await page.waitForRequest(isRefresh, { timeout: ACCESS_TOKEN_LIFESPAN * 1000 });
    // Let the new token reach the console, then use the API through the console.
    await page.waitForTimeout(500);
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.waitForURL('**/audit');
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByText('No clients yet').waitFor();
    const after = bearers.at(-1);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(claimsOf(after ?? '')['sub']).toBe(claimsOf(before ?? '')['sub']);
  }, 90_000);

  it('signs out at the realm too: signing in again asks for the password', async () => {
    await signOut();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Sign in with Keycloak' }).click();
    await page.waitForURL(`${idp.issuer()}/login-actions/**`);
    await page.getByLabel('Username or email').waitFor();
    await page.goto(`${controller.baseUrl}/login`);
  });

  it('signs a user without the realm role in as a plain user (no audit log)', async () => {
    await page.getByRole('button', { name: 'Sign in with Keycloak' }).waitFor();
    await signInAtRealm(member);
    await page.getByText('No clients yet').waitFor();
    await page.getByText(member.email ?? '').waitFor();
    expect(await page.getByRole('link', { name: 'Audit' }).count()).toBe(0);
    await page.goto(`${controller.baseUrl}/audit`);
    await page.waitForURL('**/clients');

    await signOut();
    expect(consoleErrors).toEqual([]);
  });
});
