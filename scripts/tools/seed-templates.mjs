#!/usr/bin/env node
// Writes sample email-template mappings into the EmailTemplates table with the Azure SDK (Azurite locally), so that a
// fresh local hub has a template to send with. A template that exists already is left alone: admins' edits made
// through the admin page survive the next start of scripts/run.sh.
//
//   node scripts/tools/seed-templates.mjs [--connection-string UseDevelopmentStorage=true] [--table EmailTemplates]
//        [--file samples/platform-events/email-templates.json]
//
// Each entry: {name, hubSpotEmailId, from?, replyTo?, cc?, bcc?, contactProperties?, customProperties?, description?},
// the property lists as [{name, required}]. Layout as the hub's (src/Connectors/Storage/EmailTemplateRows.cs):
// partition = name, row "mapping", and a "history-…" audit row written in the same transaction.
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
const maxTicks = 3155378975999999999n; // DateTimeOffset.MaxValue.UtcTicks
const epochTicks = 621355968000000000n; // 1970-01-01 in .NET ticks
const seeded = [];
for (const t of templates) {
  const changedAt = new Date();
  const mapping = {
    partitionKey: t.name,
    rowKey: 'mapping',
    HubSpotEmailId: { value: String(t.hubSpotEmailId), type: 'Int64' },
    From: t.from ?? '',
    ReplyTo: JSON.stringify(t.replyTo ?? []),
    Cc: JSON.stringify(t.cc ?? []),
    Bcc: JSON.stringify(t.bcc ?? []),
    ContactProperties: JSON.stringify(t.contactProperties ?? []),
    CustomProperties: JSON.stringify(t.customProperties ?? []),
    Description: t.description ?? '',
    ChangedBy: 'seed-templates.mjs',
    ChangedAt: changedAt,
  };
  const after = {
    name: t.name, hubSpotEmailId: t.hubSpotEmailId, from: t.from ?? null, replyTo: t.replyTo ?? [], cc: t.cc ?? [],
    bcc: t.bcc ?? [], contactProperties: t.contactProperties ?? [], customProperties: t.customProperties ?? [],
    description: t.description ?? null, changedBy: 'seed-templates.mjs', changedAt: changedAt.toISOString(),
  };
  const ticks = BigInt(changedAt.getTime()) * 10000n + epochTicks;
  const history = {
    partitionKey: t.name,
    rowKey: `history-${String(maxTicks - ticks).padStart(19, '0')}`,
    Action: 'created',
    ChangedBy: 'seed-templates.mjs',
    ChangedAt: changedAt,
    After: JSON.stringify(after),
  };
  try {
    await table.submitTransaction([['create', mapping], ['create', history]]);
    seeded.push(t.name);
  } catch (error) {
    if (error.statusCode !== 409) throw error; // 409: the template exists; an admin's version wins
  }
}
const kept = templates.map((t) => t.name).filter((n) => !seeded.includes(n));
console.log(`email templates in ${args.table}: seeded ${seeded.join(', ') || 'none'}${kept.length ? `; kept as they are: ${kept.join(', ')}` : ''}`);
