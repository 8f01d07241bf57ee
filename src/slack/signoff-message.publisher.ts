import type { RoleDirectory } from '../roles/role-directory.ts';
import { roleMentions } from './role-mentions.ts';
import type { SignoffRepository } from '../approvals/signoff.ports.ts';
import type { ChatPort } from './assessment-message.publisher.ts';
import { renderSignoffMessage } from './views/signoff-message.ts';

export interface SignoffMessageDeps {
  signoffs: Pick<SignoffRepository, 'findById'>;
  chat: Pick<ChatPort, 'update'>;
  roles: Pick<RoleDirectory, 'holders'>;
}

/** Re-renders the sign-off message from the database, whatever updates came before. */
export async function refreshSignoffMessage(deps: SignoffMessageDeps, requestId: string): Promise<'updated' | 'no_message_yet' | 'not_found'> {
  const request = await deps.signoffs.findById(requestId);
  if (!request) return 'not_found';
  if (request.messageTs === null) return 'no_message_yet';
  await deps.chat.update({
    channel: request.channelId,
    ts: request.messageTs,
    ...renderSignoffMessage(request, roleMentions(deps.roles)),
  });
  return 'updated';
}
