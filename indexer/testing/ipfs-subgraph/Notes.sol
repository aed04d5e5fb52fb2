// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Announces notes kept on IPFS: the subgraph reads each note's file by its CID.
contract Notes {
    event Published(string cid, string title);

    function publish(string calldata cid, string calldata title) external {
        emit Published(cid, title);
    }
}
