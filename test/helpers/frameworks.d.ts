// Express 4, Koa 2 and Fastify 4 are installed under aliases, to run every adapter test on both majors.
declare module 'express4' {
  import express from 'express';
  export default express;
}
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
declare module 'fastify4' {
  import fastify from 'fastify';
  export default fastify;
}
declare module 'fastify4-cookie' {
  import fastifyCookie from '@fastify/cookie';
  export default fastifyCookie;
}
