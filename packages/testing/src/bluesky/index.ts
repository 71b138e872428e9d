export {
  FakeJetstream,
  type FakeJetstreamOptions,
  type JetstreamAccountEvent,
  type JetstreamCommitEvent,
  type JetstreamDeleteCommit,
  type JetstreamEvent,
  type JetstreamEventInput,
  type JetstreamIdentityEvent,
  type JetstreamRecordCommit,
  type PublishPostInput,
  type StreamResult,
} from "./fake-jetstream.ts";
export {
  type AddPostInput,
  type FakeAccount,
  FakeBlueskyXrpc,
  type FakeBlueskyXrpcOptions,
  type PostView,
  type RateLimit,
} from "./fake-xrpc.ts";
