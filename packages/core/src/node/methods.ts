import { ServerResponse } from 'node:http';

/** The response methods the guard hooks. `writeHeader` is Node's alias of `writeHead`. */
export type Method = 'writeHead' | 'writeEarlyHints' | 'write' | 'end';
type AnyMethod = (this: ServerResponse, ...args: never[]) => unknown;
type Methods = Partial<Record<Method, AnyMethod>>;

/** Where one response's hooks go, and what each hooked method called before them. */
export interface MethodTarget {
  /** The method as it was before the hook: what the hook calls through to. */
  original<K extends Method>(name: K): ServerResponse[K];
  install<K extends Method>(name: K, hook: ServerResponse[K]): void;
}

const NAMES: readonly (Method | 'writeHeader')[] = ['writeHead', 'writeHeader', 'writeEarlyHints', 'write', 'end'];

/** Hooks of responses guarded through the prototype, by response. */
const hooked = new WeakMap<ServerResponse, Methods>();
/** ServerResponse.prototype's methods before this module patched it (on first use). */
let saved: Required<Methods> | undefined;
/** Prototypes between a response and ServerResponse.prototype that define none of the methods. */
const plainPrototypes = new WeakSet<object>();

/**
 * Where to hook `res`. Writing a property on a response costs ~4.5 µs and garbage under
 * Express, whose `Object.setPrototypeOf(res, app.response)` leaves every response with a
 * map of its own, so that each new property makes V8 build (and later collect) yet
 * another map (bench/README.md). So, when nothing has hooked `res` before the guard (no
 * method of its own, no prototype in between that overrides one), its hooks go into a
 * WeakMap, and ServerResponse.prototype, patched once, dispatches to them: the same
 * order as instance hooks (anything hooked later wraps ours either way), and Express
 * sub-apps, which switch the prototype again, still end at ServerResponse.prototype.
 * Otherwise (compression or a session mounted first, a second guard) the hooks go on
 * the instance, around what is there, as jshttp/on-headers does.
 */
export function methodTarget(res: ServerResponse): MethodTarget {
  if (!viaPrototype(res)) return instanceTarget(res);
  const methods: Methods = {};
  hooked.set(res, methods);
  const originals = (saved ??= patchPrototype());
  return {
    original: (name) => originals[name] as never,
    install: (name, hook) => {
      methods[name] = hook as AnyMethod;
    },
  };
}

/** The outermost hook for `name` on `res`: on the instance if any, else through the prototype. */
export function installed<K extends Method>(res: ServerResponse, name: K): ServerResponse[K] | undefined {
  return Object.hasOwn(res, name) ? res[name] : (hooked.get(res)?.[name] as ServerResponse[K] | undefined);
}

function instanceTarget(res: ServerResponse): MethodTarget {
  const target = res as unknown as Record<string, unknown>;
  return {
    original: (name) => res[name],
    install: (name, hook) => {
      target[name] = hook;
      // Node's alias is a plain assignment on the prototype: it needs its own instance override.
      if (name === 'writeHead') target.writeHeader = hook;
    },
  };
}

function viaPrototype(res: ServerResponse): boolean {
  if (hooked.has(res)) return false;
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
function patchPrototype(): Required<Methods> {
  const proto = ServerResponse.prototype as unknown as Record<Method | 'writeHeader', AnyMethod>;
  const originals: Required<Methods> = { writeHead: proto.writeHead, writeEarlyHints: proto.writeEarlyHints, write: proto.write, end: proto.end };
  for (const name of ['writeHead', 'writeEarlyHints', 'write', 'end'] as const) {
    const original = originals[name];
    // `arguments` as they came: Node's methods look at how many they got.
    proto[name] = function dispatch(this: ServerResponse) {
      return ((hooked.get(this)?.[name] ?? original) as (...args: unknown[]) => unknown).apply(this, arguments as unknown as unknown[]);
    };
    Object.defineProperty(proto[name], 'name', { value: name });
  }
  // Still Node's alias: one function, so that code comparing the two (and our upstream test) holds.
  proto.writeHeader = proto.writeHead;
  return originals;
}
