#!/usr/bin/env node
// Writes email-template mappings into the EmailTemplates table with the Azure SDK (Azurite locally), so that the
// local hub has templates to send with until the admin page exists.
//
//   node scripts/tools/seed-templates.mjs [--connection-string UseDevelopmentStorage=true] [--table EmailTemplates]
//        [--file samples/platform-events/email-templates.json]
//
// Each entry: {name, hubSpotEmailId, from?, replyTo?, cc?, bcc?, contactProperties?, customProperties?, description?},
// the property lists as [{name, required}]. Rows are upserted (replaced) under partition "template", key = name.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TableClient } from '@azure/data-tables';

const { values: args } = parseArgs({
  options: {
    'connection-string': { type: 'string', default: process.env.Storage__ConnectionString ?? 'UseDevelopmentStorage=true' },
    table: { type: 'string', default: 'EmailTemplates' },
    file: { type: 'string', default: 'samples/platform-events/email-templates.json' },
  },
});

const connectionString = args['connection-string'] === 'UseDevelopmentStorage=true'
  ? 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;'
  : args['connection-string'];
const table = TableClient.fromConnectionString(connectionString, args.table, { allowInsecureConnection: true });
await table.createTable();
const templates = JSON.parse(readFileSync(args.file, 'utf8'));
for (const t of templates) {
  await table.upsertEntity({
    partitionKey: 'template',
    rowKey: t.name,
    HubSpotEmailId: { value: String(t.hubSpotEmailId), type: 'Int64' },
    From: t.from ?? '',
    ReplyTo: JSON.stringify(t.replyTo ?? []),
    Cc: JSON.stringify(t.cc ?? []),
    Bcc: JSON.stringify(t.bcc ?? []),
    ContactProperties: JSON.stringify(t.contactProperties ?? []),
    CustomProperties: JSON.stringify(t.customProperties ?? []),
    Description: t.description ?? '',
    ChangedBy: 'seed-templates.mjs',
    ChangedAt: new Date(),
  }, 'Replace');
}
console.log(`seeded ${templates.length} template(s) into ${args.table}: ${templates.map((t) => t.name).join(', ')}`);
