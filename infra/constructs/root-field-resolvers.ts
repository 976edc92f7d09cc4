import { NestedStack } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import { Construct } from 'constructs';

/** CloudFormation allows 500 resources per template; leave room for the nested stack's own. */
export const RESOLVERS_PER_NESTED_STACK = 400;

export interface RootFieldResolversProps {
  readonly api: appsync.IGraphqlApi;
  readonly dataSource: appsync.LambdaDataSource;
  readonly fields: readonly { readonly typeName: string; readonly fieldName: string }[];
}

/**
 * Direct Lambda resolvers (no mapping template) on root fields only: the Lambda receives
 * `info.selectionSetGraphQL` and executes the whole sub-selection itself, so nested references
 * resolve inside one invocation (DESIGN.md: GraphQL). A root field has a single parent, so
 * AppSync BatchInvoke would only ever batch one item here; plain Invoke is used.
 *
 * The full R4 schema has about 880 root fields, more resolvers than one template may hold, so
 * they are spread over nested stacks of RESOLVERS_PER_NESTED_STACK each.
 */
export class RootFieldResolvers extends Construct {
  readonly resolvers: appsync.CfnResolver[] = [];

  constructor(scope: Construct, id: string, props: RootFieldResolversProps) {
    super(scope, id);
    for (let start = 0, part = 1; start < props.fields.length; start += RESOLVERS_PER_NESTED_STACK, part += 1) {
      const nested = new NestedStack(this, `Part${part}`, { description: `FHIR GraphQL root-field resolvers, part ${part}` });
      for (const { typeName, fieldName } of props.fields.slice(start, start + RESOLVERS_PER_NESTED_STACK)) {
        const resolver = new appsync.CfnResolver(nested, `${typeName}${fieldName}`, {
          apiId: props.api.apiId,
          typeName,
          fieldName,
          dataSourceName: props.dataSource.name,
          kind: 'UNIT',
        });
        resolver.addResourceDependency(props.dataSource.ds);
        props.api.addSchemaDependency(resolver);
        this.resolvers.push(resolver);
      }
    }
  }
}
