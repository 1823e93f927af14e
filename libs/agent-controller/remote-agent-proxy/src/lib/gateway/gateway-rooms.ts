import { RequestPrincipal } from '@agent-controller/core';

/** Rooms a socket is in: its caller's (`user:<id>`, or `api-key` for the key holder) and its linked client's. */
export const userRoom = (userId: string) => `user:${userId}`;
export const API_KEY_ROOM = 'api-key';
export const clientRoom = (clientId: string) => `client:${clientId}`;
export const callerRoom = (principal: RequestPrincipal) =>
  principal.kind === 'api-key' || principal.userId === null ? API_KEY_ROOM : userRoom(principal.userId);
