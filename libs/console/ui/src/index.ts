export * from './lib/console-ui/console-ui';
