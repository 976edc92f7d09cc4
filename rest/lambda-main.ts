// The REST Lambda's entry point (infra/lambda-entries.ts names this file): API Gateway proxy
// events through the core, on the AWS wiring built once per container.
import { z } from 'zod';
import { createAwsApp, parseAwsConfig, type AwsApp } from '../wiring/aws';
import { createRestLambdaHandler } from './lambda-handler';

/** Settings only the REST Lambda reads (the rest are wiring/aws.ts's). */
const restSettings = z.object({
  /**
   * The public FHIR root for links and Location; without it, https://<domain>/<stage> of each
   * event. `npm run start:aws` sets it to its http:// listener (issue 9).
   */
  FHIR_BASE_URL: z.url().optional(),
});

const settings = restSettings.parse(process.env);
let app: AwsApp | undefined;

export const handler = createRestLambdaHandler(
  () => {
    app ??= createAwsApp(parseAwsConfig(process.env));
    return app.door;
  },
  settings.FHIR_BASE_URL !== undefined ? { rootUrl: settings.FHIR_BASE_URL } : {},
);
