'use strict';
// require('dbctl/config'): see load.cjs.
module.exports = require('./load.cjs')('../dist/config/define.js');
