// The graphql-ws protocol (subprotocol `graphql-transport-ws`, used by Apollo Client and urql),
// served by the graphql-ws library over a `ws` socket. The token travels in the
// connection_init payload: `{ "authorization": "Bearer <jwt>" }`.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CloseCode, makeServer, type Server } from 'graphql-ws';
import { GraphQLError, parse, specifiedRules, validate, type ExecutionArgs } from 'graphql';
import type { WebSocket } from 'ws';
import type { RequestContext } from '../../core/request';
import type { LocalApp } from '../../wiring/local';
import { formatGraphqlError, toGraphqlError } from '../errors';
import { createGraphqlContext } from '../graphql-context';
import { graphqlServiceOf } from '../http/local-routes';
import { defaultQueryLimits, queryLimitsRule } from '../limits';
import { authenticateSocket, authorizationOf } from './socket-auth';
import { auditSubscriptionStart } from './subscription-audit';

interface Extra {
  readonly request: IncomingMessage;
  ctx?: RequestContext;
}

function createProtocolServer(app: LocalApp): Server<Extra> {
  const service = graphqlServiceOf(app);
  return makeServer<Record<string, unknown> | undefined, Extra>({
    schema: service.schema,
    onConnect: async (connection) => {
      try {
        connection.extra.ctx = await authenticateSocket(app, authorizationOf(connection.connectionParams), randomUUID(), connection.extra.request);
        return true;
      } catch {
        // graphql-ws closes with 4403 Forbidden.
        return false;
      }
    },
    onSubscribe: (connection, _id, payload): ExecutionArgs | readonly GraphQLError[] => {
      const ctx = connection.extra.ctx;
      if (ctx === undefined) return [new GraphQLError('Not authenticated')];
      // graphql-ws has already reserved this id in `connection.subscriptions` (issue 16, "Limits").
      const maxSubscriptions = app.config.FHIR_MAX_SUBSCRIPTIONS_PER_CONNECTION;
      if (Object.keys(connection.subscriptions).length > maxSubscriptions) {
        return [new GraphQLError(`At most ${maxSubscriptions} subscriptions per connection (FHIR_MAX_SUBSCRIPTIONS_PER_CONNECTION); stop one first`, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } })];
      }
      let document;
      try {
        document = parse(payload.query);
      } catch (error) {
        return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
      }
      const variables = payload.variables ?? {};
      const errors = validate(service.schema, document, [...specifiedRules, queryLimitsRule(defaultQueryLimits, variables)]);
      auditSubscriptionStart(app.deps.audit, ctx, document, variables, payload.operationName ?? undefined, errors.length > 0 ? 400 : 200);
      if (errors.length > 0) return errors;
      const contextValue = createGraphqlContext(app.deps, ctx);
      return { schema: service.schema, document, variableValues: variables, operationName: payload.operationName ?? null, contextValue };
    },
    onError: (connection, _id, _payload, errors) => errors.map((error) => formatGraphqlError(toGraphqlError(error, connection.extra.ctx?.correlationId ?? 'graphql-ws'))),
    onNext: (_connection, _id, _payload, _args, result) => (result.errors === undefined ? undefined : { ...result, errors: result.errors.map((error) => formatGraphqlError(error)) }),
  });
}

/** Serves one accepted socket (its subprotocol already negotiated as graphql-transport-ws). */
export function serveGraphqlTransportWs(app: LocalApp): (socket: WebSocket, request: IncomingMessage) => void {
  const server = createProtocolServer(app);
  return (socket, request) => {
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (callback) => {
          socket.on('message', (data: Buffer) => {
            callback(data.toString('utf8')).catch((error: unknown) => {
              socket.close(CloseCode.InternalServerError, error instanceof Error ? error.message.slice(0, 100) : 'internal error');
            });
          });
        },
      },
      { request },
    );
    socket.once('close', (code: number, reason: Buffer) => {
      void closed(code, reason.toString('utf8'));
    });
  };
}
