import { ServerResponse } from 'node:http';

/** The response methods the guard hooks. `writeHeader` is Node's alias of `writeHead`. */
export type Method = 'writeHead' | 'writeEarlyHints' | 'write' | 'end';
type AnyMethod = (this: ServerResponse, ...args: never[]) => unknown;

/** The methods a response had before the guard hooked it: what its hooks call through to. */
export type Originals = { readonly [K in Method]: ServerResponse[K] };

/** The arguments a method got, as they came (Node's methods look at how many). */
export type Args = ArrayLike<unknown>;

/**
 * One response's hooks: for each hooked method, an object with a method of that name that
 * takes the response and the arguments. Objects, not closures: a response costs what its
 * hooks' fields cost, whatever they handle.
 */
export interface ResponseHooks {
  readonly writeHead: { writeHead(res: ServerResponse, args: Args): unknown };
  readonly writeEarlyHints: { writeEarlyHints(res: ServerResponse, args: Args): unknown };
  readonly write: { write(res: ServerResponse, args: Args): unknown };
  readonly end: { end(res: ServerResponse, args: Args): unknown };
}

const NAMES: readonly (Method | 'writeHeader')[] = ['writeHead', 'writeHeader', 'writeEarlyHints', 'write', 'end'];
const METHODS: readonly Method[] = ['writeHead', 'writeEarlyHints', 'write', 'end'];
const HOOK = Symbol('consent-guard.hook');
type Tagged = AnyMethod & { [HOOK]?: unknown };

/** Hooks of responses guarded through the prototype, by response, when the response's prototype is another (Express). */
const hooked = new WeakMap<ServerResponse, ResponseHooks>();
/** The field that holds them on a response whose prototype is ServerResponse.prototype itself (Koa, Fastify, node:http). */
const HOOKS = Symbol('consent-guard.hooks');
type Held = ServerResponse & { [HOOKS]?: ResponseHooks | undefined };
/** ServerResponse.prototype's methods before this module patched it (on first use). */
let saved: Originals | undefined;
/** Prototypes between a response and ServerResponse.prototype that define none of the methods. */
const plainPrototypes = new WeakSet<object>();

/**
 * What `res`'s hooks call through to; hand it to `hookMethods`. Writing a property on a
 * response costs ~4.5 µs and garbage under Express, whose `Object.setPrototypeOf(res,
 * app.response)` leaves every response with a map of its own, so that each new property
 * makes V8 build (and later collect) yet another map (bench/README.md). So, when nothing
 * has hooked `res` before the guard (no method of its own, no prototype in between that
 * overrides one), its hooks go into a WeakMap (or, on a response whose prototype is
 * ServerResponse.prototype, where a field costs one shared map transition, into a field:
 * ~4 µs less per Koa response), and ServerResponse.prototype, patched once, dispatches to
 * them: the same order as instance hooks (anything hooked later wraps ours either way),
 * and Express sub-apps, which switch the prototype again, still end at
 * ServerResponse.prototype. Then every such response shares one `Originals`. Otherwise
 * (compression or a session mounted first, a second guard) the hooks go on the instance,
 * around what is there, as jshttp/on-headers does.
 */
export function methodsOf(res: ServerResponse): Originals {
  if (viaPrototype(res)) return (saved ??= patchPrototype());
  return { writeHead: res.writeHead, writeEarlyHints: res.writeEarlyHints, write: res.write, end: res.end };
}

/** Installs `hooks` where `methodsOf(res)` (which gave `originals`) said they go. */
export function hookMethods(res: ServerResponse, originals: Originals, hooks: ResponseHooks): void {
  if (originals === saved) {
    if (Object.getPrototypeOf(res) === ServerResponse.prototype) (res as Held)[HOOKS] = hooks;
    else hooked.set(res, hooks);
    return;
  }
  const target = res as unknown as Record<string, Tagged>;
  for (const name of METHODS) {
    const hook = hooks[name] as unknown as Record<Method, (res: ServerResponse, args: Args) => unknown>;
    const method: Tagged = function hookedMethod(this: ServerResponse) {
      return hook[name](this, arguments);
    };
    method[HOOK] = hook;
    target[name] = method;
  }
  // Node's alias is a plain assignment on the prototype: it needs its own instance override.
  target.writeHeader = target.writeHead!;
}

/** The outermost hook object for `name` on `res`, if it is one of ours: on the instance if any, else through the prototype. */
export function installed(res: ServerResponse, name: Method): unknown {
  return Object.hasOwn(res, name) ? (res[name] as Tagged)[HOOK] : hooksOf(res)?.[name];
}

function viaPrototype(res: ServerResponse): boolean {
  if (hooksOf(res)) return false;
  for (const name of NAMES) if (Object.hasOwn(res, name)) return false;
  for (let proto: object | null = Object.getPrototypeOf(res); proto !== ServerResponse.prototype; proto = Object.getPrototypeOf(proto)) {
    if (proto === null) return false;
    if (plainPrototypes.has(proto)) continue;
    if (NAMES.some((name) => Object.hasOwn(proto!, name))) return false;
    plainPrototypes.add(proto);
  }
  return true;
}

/**
 * Every response in the process then goes through one WeakMap lookup per call of these
 * methods; responses the guard does not hold get the original method.
 */
function patchPrototype(): Originals {
  const proto = ServerResponse.prototype as unknown as Record<Method | 'writeHeader', AnyMethod>;
  const originals = Object.freeze({ writeHead: proto.writeHead, writeEarlyHints: proto.writeEarlyHints, write: proto.write, end: proto.end }) as unknown as Originals;
  // One function each, not one made in a loop: their property loads then see one name and stay monomorphic.
  proto.writeHead = dispatcher(originals.writeHead as AnyMethod, (hooks, res, args) => hooks.writeHead.writeHead(res, args));
  proto.writeEarlyHints = dispatcher(originals.writeEarlyHints as AnyMethod, (hooks, res, args) => hooks.writeEarlyHints.writeEarlyHints(res, args));
  proto.write = dispatcher(originals.write as AnyMethod, (hooks, res, args) => hooks.write.write(res, args));
  proto.end = dispatcher(originals.end as AnyMethod, endAndRelease);
  for (const name of METHODS) Object.defineProperty(proto[name], 'name', { value: name });
  // Still Node's alias: one function, so that code comparing the two (and our upstream test) holds.
  proto.writeHeader = proto.writeHead;
  return originals;
}

/**
 * `end`, then the ended response leaves the WeakMap. An entry whose value leads back to its
 * key (the hooks hold the guarded response, which holds the request and the response) keeps
 * the key alive through every scavenge: each response, with its request and buffers, was
 * promoted to old space and left to mark-compact, ~20 µs of GC per JSON response
 * (bench/README.md). A compressed body still being encoded ends later, through the
 * originals: its entry stays until the next mark-compact.
 */
function endAndRelease(hooks: ResponseHooks, res: ServerResponse, args: Args): unknown {
  const result = hooks.end.end(res, args);
  if (!res.writableEnded) return result;
  // The field goes too, so that an ended response has no hooks either way.
  if ((res as Held)[HOOKS]) (res as Held)[HOOKS] = undefined;
  else hooked.delete(res);
  return result;
}

function hooksOf(res: ServerResponse): ResponseHooks | undefined {
  return (res as Held)[HOOKS] ?? hooked.get(res);
}

/** A prototype method that hands a guarded response to its hooks and any other to `original`, `arguments` as they came. */
function dispatcher(original: AnyMethod, hook: (hooks: ResponseHooks, res: ServerResponse, args: Args) => unknown): AnyMethod {
  return function dispatch(this: ServerResponse) {
    const hooks = hooksOf(this);
    return hooks ? hook(hooks, this, arguments) : original.apply(this, arguments as unknown as never[]);
  };
}
