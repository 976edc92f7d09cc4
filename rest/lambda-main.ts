// The REST Lambda's entry point (infra/lambda-entries.ts names this file): API Gateway proxy
// events through the core, on the AWS wiring built once per container.
import { createAwsApp, parseAwsConfig, type AwsApp } from '../wiring/aws';
import { createRestLambdaHandler } from './lambda-handler';

let app: AwsApp | undefined;

export const handler = createRestLambdaHandler(() => {
  app ??= createAwsApp(parseAwsConfig(process.env));
  return app.door;
});
