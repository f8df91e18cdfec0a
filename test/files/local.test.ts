import { filesSuite } from './suite'

filesSuite('local')
