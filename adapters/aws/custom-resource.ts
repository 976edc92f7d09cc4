// A CloudFormation custom resource answered by a plain Lambda (no CDK provider framework, which
// would add its own functions): CloudFormation invokes it with this event and waits for the
// result at the presigned ResponseURL.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html

export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
}

/** Runs `work` for Create and Update (Delete leaves things as they are) and reports the outcome. */
export async function answerCustomResource(event: CustomResourceEvent, physicalResourceId: string, work: () => Promise<void>): Promise<void> {
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason: string | undefined;
  try {
    if (event.RequestType !== 'Delete') await work();
  } catch (error) {
    status = 'FAILED';
    reason = error instanceof Error ? error.message : String(error);
  }
  const body = JSON.stringify({
    Status: status,
    ...(reason === undefined ? {} : { Reason: reason.slice(0, 1000) }),
    PhysicalResourceId: event.PhysicalResourceId ?? physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  // The presigned URL was signed without a content type; S3 rejects a request that adds one.
  const response = await fetch(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '' }, body });
  if (!response.ok) throw new Error(`CloudFormation response refused: HTTP ${response.status}`);
}
