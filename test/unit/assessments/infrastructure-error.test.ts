import { PrismaClientInitializationError, PrismaClientKnownRequestError, PrismaClientUnknownRequestError } from '@prisma/client/runtime/client';
import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import { ReplyError } from 'ioredis';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors/index.js';
import { describe, expect, it } from 'vitest';
import { classifyInfrastructureError } from '../../../src/assessments/infrastructure-error.ts';

// Built as the libraries build them (see node_modules/@prisma/client/runtime/client.js: a driver adapter error
// becomes a PrismaClientKnownRequestError with Prisma's code and the adapter's error in meta.driverAdapterError).
const clientVersion = '7.0.0';
const known = (code: string, message: string, driverAdapterError?: DriverAdapterError) =>
  new PrismaClientKnownRequestError(`\nInvalid \`prisma.deployment.update()\` invocation:\n\n\n${message}`, {
    code,
    clientVersion,
    meta: driverAdapterError ? { driverAdapterError } : {},
  });
const pgError = (code: string, message: string) =>
  new DriverAdapterError({ kind: 'postgres', code, severity: 'FATAL', message, originalCode: code, originalMessage: message } as never);
/** A node socket error, as net raises it. */
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });

describe('classifyInfrastructureError: only our database or Redis not answering', () => {
  it.each([
    [
      'P1001 (can not reach)',
      known(
        'P1001',
        "Can't reach database server at 127.0.0.1:5432",
        new DriverAdapterError({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 }),
      ),
    ],
    [
      'P1017 (server closed the connection)',
      known('P1017', 'Server has closed the connection.', new DriverAdapterError({ kind: 'ConnectionClosed' })),
    ],
    ['P1008 (socket timeout)', known('P1008', 'Operation has timed out', new DriverAdapterError({ kind: 'SocketTimeout' }))],
    ['P2024 (no pool connection in time)', known('P2024', 'Timed out fetching a new connection from the connection pool.')],
    [
      'P2037 (too many connections)',
      known('P2037', 'Too many database connections opened', new DriverAdapterError({ kind: 'TooManyConnections', cause: 'sorry' })),
    ],
    [
      '57P01 in a raw query (P2010)',
      known('P2010', 'Raw query failed. Code: `57P01`.', pgError('57P01', 'terminating connection due to administrator command')),
    ],
    ['57P03 (starting up, P2039)', known('P2039', 'Database error. Code: `57P03`.', pgError('57P03', 'the database system is starting up'))],
    ['08006 (connection failure)', known('P2039', 'Database error. Code: `08006`.', pgError('08006', 'connection failure'))],
    ['pg closing the socket mid-query', new PrismaClientUnknownRequestError('Connection terminated unexpectedly', { clientVersion })],
    ["the pool's connect timeout", new PrismaClientUnknownRequestError('timeout exceeded when trying to connect', { clientVersion })],
    ['EPIPE inside a Prisma error', new PrismaClientUnknownRequestError('write EPIPE', { clientVersion })],
    ['the initialization error', new PrismaClientInitializationError("Can't reach database server at `127.0.0.1:5432`", clientVersion, 'P1001')],
    ['wrapped as a cause', new Error('could not record', { cause: known('P1001', "Can't reach database server") })],
  ])('%s is the database', (_label, error) => {
    expect(classifyInfrastructureError(error)).toBe('database');
  });

  it.each([
    ['"Connection is closed."', new Error('Connection is closed.')],
    ['MaxRetriesPerRequestError', new MaxRetriesPerRequestError(20)],
    ['the offline queue off', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['LOADING', new ReplyError('LOADING Redis is loading the dataset in memory')],
    ['BUSY', new ReplyError('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT.')],
  ])('%s is Redis', (_label, error) => {
    expect(classifyInfrastructureError(error)).toBe('redis');
  });

  it.each([
    [
      'P2002 (unique violation)',
      known(
        'P2002',
        'Unique constraint failed on the fields: (`request_key`)',
        new DriverAdapterError({ kind: 'UniqueConstraintViolation', constraint: { fields: ['request_key'] } }),
      ),
    ],
    ['P2025 (record not found)', known('P2025', 'An operation failed because it depends on one or more records that were required but not found.')],
    [
      'P2003 (foreign key)',
      known(
        'P2003',
        'Foreign key constraint violated',
        new DriverAdapterError({ kind: 'ForeignKeyConstraintViolation', constraint: { index: 'x' } }),
      ),
    ],
    ['a Postgres syntax error (42601)', known('P2010', 'Raw query failed. Code: `42601`.', pgError('42601', 'syntax error at or near "SELEC"'))],
    ['a check constraint (23514)', known('P2039', 'Database error. Code: `23514`.', pgError('23514', 'new row violates check constraint'))],
    ['a message that merely names the database', new Error('database config invalid: postgres url missing')],
    ['a WRONGTYPE reply', new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ["a webhook receiver refusing (fetch's socket error, not ours)", new TypeError('fetch failed', { cause: socketError('ECONNREFUSED') })],
    ['a bare socket error', socketError('ECONNRESET')],
    ["BullMQ's lost lock (another worker took the job over)", new Error('Missing lock for job 42. moveToFinished')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'phases')")],
  ])('%s is internal', (_label, error) => {
    expect(classifyInfrastructureError(error)).toBe('internal');
  });
});
