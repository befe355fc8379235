'use strict';
// require('dbctl'): see load.cjs.
module.exports = require('./load.cjs')('../dist/index.js');
