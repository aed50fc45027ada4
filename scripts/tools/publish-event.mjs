#!/usr/bin/env node
// Publishes platform events to the broker with rhea, an AMQP 1.0 client other than the hub's own (AMQPNetLite), in
// any of the envelopes the hub accepts — what a product microservice written in another language would send.
//
//   node scripts/tools/publish-event.mjs [--port 5672] [--queue platform-events]
//        [--envelope cloudevent|binary|eventbridge] [--body data|amqp-value-string|amqp-value-binary]
//        --type transactional_email --id evt-1 --data '{"template_name":"welcome",...}'
//   node scripts/tools/publish-event.mjs [--port ...] --file samples/platform-events/transactional-email.json
//
// A --file holds {type, id, data} or an array of them; the other options apply to each. Exits non-zero unless the
// broker accepted every message.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import rhea from 'rhea';

const { values: args } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '5672' },
    queue: { type: 'string', default: 'platform-events' },
    envelope: { type: 'string', default: 'cloudevent' },
    body: { type: 'string', default: 'data' },
    type: { type: 'string' },
    id: { type: 'string' },
    data: { type: 'string' },
    file: { type: 'string' },
    user: { type: 'string', default: 'guest' },
    password: { type: 'string', default: 'guest' },
  },
});

const events = args.file
  ? [JSON.parse(readFileSync(args.file, 'utf8'))].flat()
  : [{ type: args.type, id: args.id, data: JSON.parse(args.data ?? '{}') }];

function envelope(event) {
  const time = new Date().toISOString();
  switch (args.envelope) {
    case 'cloudevent':
      return { json: { specversion: '1.0', type: event.type, source: '/samples/publish-event', id: event.id, time, datacontenttype: 'application/json', data: event.data } };
    case 'eventbridge':
      return { json: { version: '0', 'detail-type': event.type, source: 'samples.publish-event', id: event.id, time, detail: event.data } };
    case 'binary':
      return { json: event.data, subject: event.type, message_id: event.id };
    default:
      throw new Error(`unknown --envelope ${args.envelope}`);
  }
}

function message(event) {
  const { json, subject, message_id } = envelope(event);
  const text = JSON.stringify(json);
  const body = args.body === 'data' ? rhea.message.data_section(Buffer.from(text, 'utf8'))
    : args.body === 'amqp-value-binary' ? Buffer.from(text, 'utf8')
    : args.body === 'amqp-value-string' ? text
    : (() => { throw new Error(`unknown --body ${args.body}`); })();
  return { durable: true, message_id: message_id ?? event.id, subject: subject ?? event.type, content_type: 'application/json', body };
}

const container = rhea.create_container({ id: 'publish-event' });
const connection = container.connect({
  host: args.host, port: Number(args.port), username: args.user, password: args.password, reconnect: false,
});
const sender = connection.open_sender({ target: { address: `/amq/queue/${args.queue}` } });
let settled = 0;
let failed = 0;
const fail = (why) => { console.error(why); process.exitCode = 1; connection.close(); };
sender.on('sendable', () => {
  if (sender.sent) return;
  sender.sent = true;
  for (const event of events) sender.send(message(event));
});
sender.on('accepted', () => { if (++settled + failed === events.length) finish(); });
sender.on('rejected', (context) => { failed++; console.error('rejected:', context.delivery.remote_state?.error); if (settled + failed === events.length) finish(); });
connection.on('connection_error', (context) => fail(`connection error: ${context.connection.error?.description ?? context.connection.error}`));
connection.on('error', (error) => fail(`error: ${error.message}`));
connection.on('disconnected', (context) => { if (settled + failed < events.length) fail(`disconnected: ${context.error?.message ?? 'broker went away'}`); });
setTimeout(() => fail('timed out waiting for the broker to accept'), 20_000).unref();

function finish() {
  console.log(`published ${settled} of ${events.length} to ${args.queue} (${args.envelope}, ${args.body})`);
  if (failed > 0) process.exitCode = 1;
  connection.close();
}
