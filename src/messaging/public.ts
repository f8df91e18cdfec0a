/**
 * What other domains and workers may ask of messaging. Nothing yet: messaging reacts to no
 * domain event; its real-time frames are registered on the hub by its plugin.
 */
export { PRESENCE } from './realtime/presence'
