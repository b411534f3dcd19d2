'use strict';
// Runs state machine executions on aws-local-stepfunctions for dev.ecsa.local.sfn.LocalStepFunctions.
//
// Usage: node sfn-runner.cjs <node_modules dir> <task callback URL>; env ECSA_SFN_TOKEN authenticates callbacks.
// Protocol: one JSON object per line. Requests on stdin:
//   {"op":"validate","id":...,"definition":{...}}
//   {"op":"start","id":...,"definition":{...},"input":...,"overrides":{"waitAllMs","waitMs","retryAllMs","retryMs"}}
//   {"op":"stop","id":...}
// Messages on stdout: {"type":"ready"}, {"type":"validated",...}, {"type":"rejected",...}, {"type":"finished",...}.
// Every Task state calls back to Java: POST <task callback URL> {"executionId","stateName","input"} and gets
// {"output":...} or {"error":<name>,"cause":<text>}; an error is thrown with that name, which is what the
// interpreter's Retry/Catch match (ErrorEquals is compared with Error.name), as AWS matches the Lambda errorType.

// aws-local-stepfunctions 3 uses Promise.withResolvers (Node 22+); this is the spec'd behaviour for Node 20.
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers() {
      let resolve;
      let reject;
      const promise = new this((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

const http = require('node:http');
const path = require('node:path');
const readline = require('node:readline');
const { createRequire } = require('node:module');

const [nodeModules, taskUrl] = process.argv.slice(2);
const token = process.env.ECSA_SFN_TOKEN || '';
const requireFromRepo = createRequire(path.join(path.resolve(nodeModules), 'noop.js'));
const { StateMachine } = requireFromRepo('aws-local-stepfunctions');
const aslValidator = requireFromRepo('asl-validator');

const running = new Map();

function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

// Task and Wait states and states with a Retry field, at any depth (Parallel branches, Map iterators).
function walkStates(definition, visit) {
  const states = (definition && definition.States) || {};
  for (const [name, state] of Object.entries(states)) {
    visit(name, state);
    for (const branch of state.Branches || []) {
      walkStates(branch, visit);
    }
    if (state.Iterator) walkStates(state.Iterator, visit);
    if (state.ItemProcessor) walkStates(state.ItemProcessor, visit);
  }
}

function taskError(name, cause) {
  const error = new Error(cause == null ? '' : String(cause));
  error.name = name;
  return error;
}

// One POST to the task endpoint with node:http rather than fetch: fetch (undici) gives up on an answer after 300 s,
// while a Lambda invocation may take the function's whole timeout, which the Task's TimeoutSeconds bounds.
function post(url, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ecsa-token': token,
        'content-length': Buffer.byteLength(body) },
    }, (response) => {
      const chunks = [];
      response.on('data', (c) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

function taskHandler(executionId, stateName) {
  return async (input) => {
    let response;
    try {
      response = await post(taskUrl, JSON.stringify({ executionId, stateName, input }));
    } catch (e) {
      // Step Functions could not reach Lambda: AWS names that Lambda.SdkClientException (retried by the definition).
      throw taskError('Lambda.SdkClientException', `the Lambda service could not be reached: ${e.message}`);
    }
    const text = response.text;
    if (response.status >= 500) {
      // Lambda answered with a server error: Lambda.ServiceException (retried by the definition).
      throw taskError('Lambda.ServiceException', `the Lambda service answered HTTP ${response.status}: ${text}`);
    }
    if (response.status !== 200) {
      throw taskError('States.TaskFailed', `task endpoint answered HTTP ${response.status}: ${text}`);
    }
    const body = JSON.parse(text);
    if (body.error !== undefined) {
      throw taskError(body.error, body.cause);
    }
    return body.output;
  };
}

function runOptions(executionId, definition, overrides) {
  const o = overrides || {};
  const taskResourceLocalHandlers = {};
  const waitTimeOverrides = {};
  const retryIntervalOverrides = {};
  walkStates(definition, (name, state) => {
    if (state.Type === 'Task') taskResourceLocalHandlers[name] = taskHandler(executionId, name);
    if (state.Type === 'Wait' && o.waitAllMs != null) waitTimeOverrides[name] = o.waitAllMs;
    if (Array.isArray(state.Retry) && o.retryAllMs != null) retryIntervalOverrides[name] = o.retryAllMs;
  });
  Object.assign(waitTimeOverrides, o.waitMs || {});
  Object.assign(retryIntervalOverrides, o.retryMs || {});
  return {
    overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides },
    noThrowOnAbort: true,
  };
}

// Only what a test or an execution history needs: the input and output of states are left out.
function summarize(event) {
  const summary = { type: event.type, timestamp: event.timestamp };
  if (event.state) {
    summary.stateName = event.state.name;
    summary.stateType = event.state.type;
  }
  if (event.Error !== undefined) summary.error = String(event.Error);
  if (event.Cause !== undefined) summary.cause = typeof event.Cause === 'string' ? event.Cause : String(event.Cause.message ?? event.Cause);
  if (event.retry) summary.retryAttempt = event.retry.attempt;
  if (event.index !== undefined) summary.index = event.index;
  return summary;
}

function validate(request) {
  const { isValid, errorsText } = aslValidator(request.definition, { checkArn: true, checkPaths: true });
  send({ type: 'validated', id: request.id, valid: isValid, errors: isValid ? '' : errorsText('\n') });
}

async function start(request) {
  const id = request.id;
  let execution;
  try {
    const machine = new StateMachine(request.definition, { validationOptions: { checkArn: true, checkPaths: true } });
    execution = machine.run(request.input, runOptions(id, request.definition, request.overrides));
  } catch (e) {
    send({ type: 'rejected', id, message: e.message });
    return;
  }
  const entry = { execution, aborted: false };
  running.set(id, entry);

  const events = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(summarize(event));
  })();

  const finished = { type: 'finished', id };
  try {
    const output = await execution.result;
    if (entry.aborted) {
      finished.status = 'ABORTED';
    } else {
      finished.status = 'SUCCEEDED';
      finished.output = output === undefined ? null : output;
    }
  } catch (e) {
    if (e.name === 'ExecutionTimeoutError') {
      finished.status = 'TIMED_OUT';
      finished.error = 'States.Timeout';
      finished.cause = 'The execution ran longer than the state machine\'s TimeoutSeconds.';
    } else {
      // ExecutionError wraps the error that ended the execution (a Fail state's or an uncaught task error).
      const cause = e.cause instanceof Error ? e.cause : e;
      finished.status = 'FAILED';
      finished.error = cause.name;
      finished.cause = cause.message;
    }
  } finally {
    running.delete(id);
  }
  // The logger closes with the terminal event; don't wait forever if an aborted run never closes it.
  await Promise.race([collecting, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  finished.events = events;
  send(finished);
}

function stop(request) {
  const entry = running.get(request.id);
  if (entry) {
    entry.aborted = true;
    entry.execution.abort();
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (!line.trim()) return;
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    process.stderr.write(`sfn-runner: ignoring a line that is not JSON: ${e.message}\n`);
    return;
  }
  try {
    if (request.op === 'validate') validate(request);
    else if (request.op === 'start') start(request).catch((e) => send({ type: 'rejected', id: request.id, message: String(e && e.stack) }));
    else if (request.op === 'stop') stop(request);
    else process.stderr.write(`sfn-runner: unknown op ${request.op}\n`);
  } catch (e) {
    send({ type: 'rejected', id: request.id, message: String(e && e.message) });
  }
});
// Java closed our stdin (close() or its JVM died): nothing more will come, so leave.
lines.on('close', () => process.exit(0));

send({ type: 'ready' });
