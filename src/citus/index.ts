export { distributeTable, createReferenceTable, undistributeTable, type DistributeOptions } from './tables.js';
export { citusNodes, citusTableShards, nodeHealth, type CitusNode, type CitusTableShards } from './cluster.js';
