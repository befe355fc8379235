'use strict';
// require('dbctl/testing'): see load.cjs.
module.exports = require('./load.cjs')('../dist/testing.js');
