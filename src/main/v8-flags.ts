import { setFlagsFromString } from 'node:v8';

// Imported first by the bot and worker entries, before Prisma compiles its query compiler (WebAssembly, compiled
// when the client first connects). V8 would compile it with its baseline compiler and then again, in the
// background, with its optimising one: that second copy costs about 45 MB of resident memory per process and
// bought no measurable query throughput here (bench/README.md, "Where the memory goes"); start-up is faster
// without it. The flag only chooses the WebAssembly compiler, so setting it at run time is safe.
setFlagsFromString('--liftoff-only');
