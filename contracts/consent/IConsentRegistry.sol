// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {ICommonErrors} from "../common/ICommonErrors.sol";
import {IConstantEIP712} from "../common/IConstantEIP712.sol";

/// @title IConsentRegistry
/// @notice Shoppers grant and revoke consent per data consumer and scope (directly or by signature), and
/// anchor the hash or CID of their encrypted data record per scope. Every change is an event: the audit
/// trail that proves consent.
/// @dev Roles are OpenZeppelin's AccessControl (`IAccessControl`); the signing domain is `IConstantEIP712`'s.
interface IConsentRegistry is IAccessControl, IConstantEIP712, ICommonErrors {
    /// @notice The terms of one consent, in one storage slot (the slot a paid access reads).
    /// @param granted Whether the consent stands (until revoked, or its scope's record is erased).
    /// @param expiresAt The first timestamp at which the consent no longer applies.
    /// @param pricePerAccess What the consumer pays per access, in the payment token of DataAccessPayments.
    struct Consent {
        bool granted;
        uint40 expiresAt;
        uint96 pricePerAccess;
    }

    /// @notice A consent as a shopper signs it (EIP-712), for anyone to submit.
    struct ConsentGrant {
        address shopper;
        address consumer;
        bytes32 scope;
        uint96 pricePerAccess;
        uint40 expiresAt;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice A revocation as a shopper signs it (EIP-712), for anyone to submit.
    struct ConsentRevocation {
        address shopper;
        address consumer;
        bytes32 scope;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice Whether a consumer may read a shopper's scope now, and at what price.
    struct ConsentQuote {
        bool active;
        uint96 pricePerAccess;
    }

    /// @notice `shopper` consented to `consumer` reading `scope` until `expiresAt`, at `pricePerAccess`.
    event ConsentGranted(
        address indexed shopper, address indexed consumer, bytes32 indexed scope, uint96 pricePerAccess, uint40 expiresAt
    );

    /// @notice `shopper` revoked `consumer`'s consent for `scope`, effective in this block.
    event ConsentRevoked(address indexed shopper, address indexed consumer, bytes32 indexed scope);

    /// @notice `shopper` anchored `record` (the hash or CID of an encrypted blob in the data vault) for `scope`.
    /// Earlier anchors of the scope stay in the event history.
    event DataRecordAnchored(address indexed shopper, bytes32 indexed scope, bytes32 record);

    /// @notice `shopper` erased the scope's record (right to be forgotten); every consent for it was revoked.
    event DataRecordErased(address indexed shopper, bytes32 indexed scope);

    /// @notice Every grant and revocation `shopper` signed with a nonce from `fromNonce` to below `nextNonce`
    /// stopped working: cancelled by the shopper, or by erasing a record.
    event NoncesInvalidated(address indexed shopper, uint256 fromNonce, uint256 nextNonce);

    /// @notice The zero scope.
    error InvalidScope();

    /// @notice The zero record.
    error InvalidRecord();

    /// @notice The expiry is not in the future.
    error ExpiryInPast(uint40 expiresAt, uint256 timestamp);

    /// @notice No consent stands for this shopper, consumer and scope.
    error ConsentNotGranted(address shopper, address consumer, bytes32 scope);

    /// @notice The signature is not the shopper's.
    error InvalidShopperSignature(address shopper);

    /// @notice Erasing would leave consents standing for the scope: all of them must be named.
    error ConsentsRemain(address shopper, bytes32 scope, uint256 remaining);

    /// @notice The next nonce must be above the current one and at most 2^64 past it.
    error NextNonceOutOfRange(uint256 current, uint256 nextNonce);

    // ─── Constants and setup ────────────────────────────────────────────────────────────────────────────

    /// @notice The flag of an active consent in a quote word (`quotes`); the low 96 bits are its price.
    /// @return 1 << 255.
    function QUOTE_ACTIVE() external view returns (uint256);

    /// @notice The role that upgrades the implementation.
    /// @return The role's identifier, keccak256("UPGRADER_ROLE").
    function UPGRADER_ROLE() external view returns (bytes32);

    /// @notice The EIP-712 domain name of signed consents and revocations.
    /// @return "dCRM ConsentRegistry".
    function DOMAIN_NAME() external view returns (string memory);

    /// @notice Sets up the proxy with `admin` as admin and upgrader. Callable once.
    /// @param admin The account given the admin and upgrader roles.
    function initialize(address admin) external;

    // ─── Shoppers ───────────────────────────────────────────────────────────────────────────────────────

    /// @notice Grants `consumer` consent to read the caller's `scope` at `pricePerAccess` until `expiresAt`
    /// (replacing the terms of a standing consent).
    function grant(address consumer, bytes32 scope, uint96 pricePerAccess, uint40 expiresAt) external;

    /// @notice Revokes `consumer`'s consent for the caller's `scope`, effective in this block.
    function revoke(address consumer, bytes32 scope) external;

    /// @notice Grants a consent the shopper signed; anyone may submit it.
    function grantBySignature(ConsentGrant calldata consent, bytes calldata signature) external;

    /// @notice Revokes a consent by a revocation the shopper signed; anyone may submit it.
    function revokeBySignature(ConsentRevocation calldata revocation, bytes calldata signature) external;

    /// @notice Anchors the caller's data record for `scope` (replacing the current anchor).
    function anchorRecord(bytes32 scope, bytes32 record) external;

    /// @notice Erases the caller's record for `scope`, revokes the consents of `consumers` and invalidates
    /// every grant and revocation the caller signed before (its nonce moves to the next multiple of 2^64).
    /// @dev `consumers` must include every consumer with a standing consent for the scope (else
    /// `ConsentsRemain`); those without one are skipped. Naming the consumers of grants signed but perhaps not
    /// yet submitted keeps a grant submitted just before the erasure from making it revert.
    function eraseRecord(bytes32 scope, address[] calldata consumers) external;

    /// @notice Cancels the caller's signed, unsubmitted grants and revocations: every one with a nonce below
    /// `nextNonce` stops working, and the next signature uses `nextNonce`.
    /// @dev To cancel the signature with nonce `n`, pass `n + 1`. Reverts with `NextNonceOutOfRange` unless
    /// `nextNonce` is above the current nonce and at most 2^64 past it.
    function invalidateNonces(uint256 nextNonce) external;

    /// @notice The nonce the shopper's next signed grant or revocation must carry.
    function nonces(address shopper) external view returns (uint256);

    /// @notice Whether `consumer` may read `shopper`'s `scope` now.
    function isConsentActive(address shopper, address consumer, bytes32 scope) external view returns (bool);

    /// @notice The stored terms of a consent.
    function consentOf(address shopper, address consumer, bytes32 scope) external view returns (Consent memory);

    /// @notice Whether `consumer` may read `shopper`'s `scope` now, and at what price.
    function quote(address shopper, address consumer, bytes32 scope) external view returns (ConsentQuote memory);

    /// @notice For each shopper, whether `consumer` may read its `scope` now and at what price, in one call per
    /// batch of accesses: `QUOTE_ACTIVE | pricePerAccess` when active, 0 when not.
    function quotes(address consumer, bytes32 scope, address[] calldata shoppers)
        external
        view
        returns (uint256[] memory);

    /// @notice The shopper's current record anchor for `scope` (zero: none).
    function recordOf(address shopper, bytes32 scope) external view returns (bytes32);

    /// @notice How many consents stand for the shopper's `scope` (what `eraseRecord` must name).
    function standingConsents(address shopper, bytes32 scope) external view returns (uint256);
}
