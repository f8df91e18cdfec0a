import { filesSuite } from './suite'

filesSuite('s3')
