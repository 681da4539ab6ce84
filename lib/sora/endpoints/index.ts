/** Every Sora endpoint function. Each takes the http core (`createSoraHttp`) first. */
export * from './account';
export * from './characters';
export * from './editor';
export * from './extend';
export * from './image';
export * from './invite';
export * from './posts';
export * from './session';
export * from './uploads';
export * from './video';
