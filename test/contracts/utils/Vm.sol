// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Vm
/// @notice The few cheatcodes of the Hardhat 3 (EDR) Solidity test runner that these tests use, with the
/// signatures forge-std declares for them.
/// @dev The runner answers calls to `VM_ADDRESS`; forge-std itself is not a dependency of this project.
interface Vm {
    /// @notice Makes the next call's `msg.sender` `sender`.
    function prank(address sender) external;

    /// @notice Makes every following call's `msg.sender` `sender`, until `stopPrank`.
    function startPrank(address sender) external;

    /// @notice Ends `startPrank`.
    function stopPrank() external;

    /// @notice Sets `block.timestamp`.
    function warp(uint256 timestamp) external;

    /// @notice Expects the next call to revert with exactly `revertData`.
    function expectRevert(bytes calldata revertData) external;

    /// @notice Expects the next call to revert with a custom error whose selector is `selector`.
    function expectRevert(bytes4 selector) external;

    /// @notice Expects the next call to emit, from `emitter`, the event emitted right after this call (every
    /// topic and the data compared).
    function expectEmit(address emitter) external;

    /// @notice Signs `digest` with `privateKey` (secp256k1), returning a low-s signature.
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);

    /// @notice The address of `privateKey`.
    function addr(uint256 privateKey) external pure returns (address account);

    /// @notice Discards the current fuzz input when `condition` is false.
    function assume(bool condition) external pure;

    /// @notice The raw storage word at `slot` of `target`.
    function load(address target, bytes32 slot) external view returns (bytes32 data);

    /// @notice Names `account` in traces.
    function label(address account, string calldata name) external;
}

// Where the test runner answers cheatcode calls: `address(uint160(uint256(keccak256("hevm cheat code"))))`.
address constant VM_ADDRESS = 0x7109709ECfa91a80626fF3989D68f67F5b1DD12D;
