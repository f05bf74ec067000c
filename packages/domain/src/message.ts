/** Reserved mailbox names that are not agents. */
export const HOST_MAILBOX = 'host';
export const CONTROL_PLANE_MAILBOX = 'controlplane';

export interface Message {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly createdAt: Date;
  /** True once the recipient's read cursor has moved past this message. */
  readonly read: boolean;
}

export interface MessageDraft {
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly createdAt: Date;
}
