// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {NoncesUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/NoncesUpgradeable.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {ConstantEIP712} from "../common/ConstantEIP712.sol";
import {IConsentRegistry} from "./IConsentRegistry.sol";

/// @title ConsentRegistry
/// @notice The customer, not the vendor, decides who reads their data. A shopper grants a data consumer
/// consent per scope (e.g. keccak256("purchase-history")) with a price per access and an expiry, revokes it
/// at any time, and anchors the hash or CID of its encrypted data record per scope. Granting and revoking
/// also work gasless: the shopper signs EIP-712 typed data (with a deadline and a one-time nonce) and anyone
/// submits it. Smart-contract wallets sign through ERC-1271. Behind a UUPS proxy.
/// @dev Erasing a scope's record revokes every consent for it. To keep a paid access at one storage read (the
/// consent's slot), consents carry no scope epoch; instead the registry counts the standing consents per
/// shopper and scope (expired ones too, until revoked), and `eraseRecord` must name every consumer that has
/// one: it reverts otherwise. Named consumers without a standing consent are skipped, so a shopper names
/// the consumers of every grant it signed that may still be submitted, and a held grant or revocation
/// landing just before the erasure cannot make it revert. Erasing then moves the shopper's nonce to the next
/// multiple of 2^64: every grant and revocation signed before it stops working. A shopper cancels a
/// signed, unsubmitted grant or revocation with `invalidateNonces`.
/// There is no pause: nothing may ever stop a shopper from revoking consent.
contract ConsentRegistry is
    IConsentRegistry,
    AccessControlUpgradeable,
    ConstantEIP712,
    NoncesUpgradeable,
    UUPSUpgradeable
{
    /// @inheritdoc IConsentRegistry
    uint256 public constant QUOTE_ACTIVE = 1 << 255;
    /// @dev How far one call may move a shopper's nonce ahead (2^64); erasing a record moves it to the next
    /// multiple of it, past any signature made before. Private: a getter's selector would cost `revoke` a
    /// dispatch comparison (22 gas).
    uint256 private constant NONCE_ERA = 1 << 64;
    /// @inheritdoc IConsentRegistry
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");
    /// @inheritdoc IConsentRegistry
    string public constant DOMAIN_NAME = "dCRM ConsentRegistry";

    bytes32 private constant DOMAIN_NAME_HASH = keccak256(bytes(DOMAIN_NAME));
    bytes32 private constant CONSENT_GRANT_TYPEHASH = keccak256(
        "ConsentGrant(address shopper,address consumer,bytes32 scope,uint96 pricePerAccess,uint40 expiresAt,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant CONSENT_REVOCATION_TYPEHASH = keccak256(
        "ConsentRevocation(address shopper,address consumer,bytes32 scope,uint256 nonce,uint256 deadline)"
    );

    /// @dev Per shopper and scope: how many consents stand (what erasing must revoke), and whether a record is
    /// anchored (so that, once a shopper has anchored data, granting updates a warm slot).
    struct ScopeState {
        uint32 standingConsents;
        bool anchored;
    }

    /// @dev The layout of OpenZeppelin's NoncesUpgradeable storage, written only by `_invalidateNonces`.
    struct OpenZeppelinNonces {
        mapping(address account => uint256) nonces;
    }

    /// @custom:storage-location erc7201:dcrm.storage.ConsentRegistry
    struct ConsentRegistryStorage {
        /// Consumer and scope first: a batch of accesses (one consumer, one scope) hashes them once.
        mapping(address consumer => mapping(bytes32 scope => mapping(address shopper => Consent))) consents;
        mapping(address shopper => mapping(bytes32 scope => ScopeState)) scopes;
        mapping(address shopper => mapping(bytes32 scope => bytes32 record)) records;
    }

    // keccak256(abi.encode(uint256(keccak256("dcrm.storage.ConsentRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CONSENT_REGISTRY_STORAGE =
        0x16001264958a4cb33bba51350b7c2bd546adbcb93a30369b6b7a69c072932800;

    // keccak256(abi.encode(uint256(keccak256("openzeppelin.storage.Nonces")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant OPENZEPPELIN_NONCES_STORAGE =
        0x5ab42ced628888259c08ac98db1eb0cf702fc1501344311d8b100cd1bfe4bb00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @inheritdoc IConsentRegistry
    function initialize(address admin) external initializer {
        __AccessControl_init();
        __ConstantEIP712_init();
        __Nonces_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
    }

    // ─── Consent ────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IConsentRegistry
    function grant(address consumer, bytes32 scope, uint96 pricePerAccess, uint40 expiresAt) external {
        _grant(msg.sender, consumer, scope, pricePerAccess, expiresAt);
    }

    /// @inheritdoc IConsentRegistry
    function revoke(address consumer, bytes32 scope) external {
        _revoke(msg.sender, consumer, scope);
    }

    /// @inheritdoc IConsentRegistry
    function grantBySignature(ConsentGrant calldata consent, bytes calldata signature) external {
        bytes32 structHash = keccak256(abi.encode(CONSENT_GRANT_TYPEHASH, consent));
        _useShopperSignature(consent.shopper, consent.nonce, consent.deadline, structHash, signature);
        _grant(consent.shopper, consent.consumer, consent.scope, consent.pricePerAccess, consent.expiresAt);
    }

    /// @inheritdoc IConsentRegistry
    function revokeBySignature(ConsentRevocation calldata revocation, bytes calldata signature) external {
        bytes32 structHash = keccak256(abi.encode(CONSENT_REVOCATION_TYPEHASH, revocation));
        _useShopperSignature(revocation.shopper, revocation.nonce, revocation.deadline, structHash, signature);
        _revoke(revocation.shopper, revocation.consumer, revocation.scope);
    }

    // ─── Data records ───────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IConsentRegistry
    function anchorRecord(bytes32 scope, bytes32 record) external {
        if (scope == bytes32(0)) revert InvalidScope();
        if (record == bytes32(0)) revert InvalidRecord();
        ConsentRegistryStorage storage $ = _getConsentRegistryStorage();
        $.records[msg.sender][scope] = record;
        $.scopes[msg.sender][scope].anchored = true;
        emit DataRecordAnchored(msg.sender, scope, record);
    }

    /// @inheritdoc IConsentRegistry
    function eraseRecord(bytes32 scope, address[] calldata consumers) external {
        ConsentRegistryStorage storage $ = _getConsentRegistryStorage();
        for (uint256 i; i < consumers.length; ++i) {
            address consumer = consumers[i];
            // A consumer without a standing consent is skipped: a held revocation submitted just before the
            // erasure, or a consumer named in case a held grant lands first, must not make it revert.
            if ($.consents[consumer][scope][msg.sender].granted) _revoke(msg.sender, consumer, scope);
        }
        uint256 remaining = $.scopes[msg.sender][scope].standingConsents;
        if (remaining != 0) revert ConsentsRemain(msg.sender, scope, remaining);
        delete $.records[msg.sender][scope];
        delete $.scopes[msg.sender][scope];
        emit DataRecordErased(msg.sender, scope);
        _invalidateNonces(msg.sender, (nonces(msg.sender) / NONCE_ERA + 1) * NONCE_ERA);
    }

    // ─── Signatures ─────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IConsentRegistry
    function invalidateNonces(uint256 nextNonce) external {
        uint256 current = nonces(msg.sender);
        if (nextNonce <= current || nextNonce - current > NONCE_ERA) {
            revert NextNonceOutOfRange(current, nextNonce);
        }
        _invalidateNonces(msg.sender, nextNonce);
    }

    // ─── Views ──────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IConsentRegistry
    function isConsentActive(address shopper, address consumer, bytes32 scope) external view returns (bool) {
        return _isActive(_getConsentRegistryStorage().consents[consumer][scope][shopper]);
    }

    /// @inheritdoc IConsentRegistry
    function consentOf(address shopper, address consumer, bytes32 scope) external view returns (Consent memory) {
        return _getConsentRegistryStorage().consents[consumer][scope][shopper];
    }

    /// @inheritdoc IConsentRegistry
    function quote(address shopper, address consumer, bytes32 scope) external view returns (ConsentQuote memory) {
        Consent memory consent = _getConsentRegistryStorage().consents[consumer][scope][shopper];
        return ConsentQuote({active: _isActive(consent), pricePerAccess: consent.pricePerAccess});
    }

    /// @inheritdoc IConsentRegistry
    function quotes(address consumer, bytes32 scope, address[] calldata shoppers)
        external
        view
        returns (uint256[] memory result)
    {
        mapping(address => Consent) storage consents = _getConsentRegistryStorage().consents[consumer][scope];
        result = new uint256[](shoppers.length);
        for (uint256 i; i < shoppers.length; ++i) {
            Consent memory consent = consents[shoppers[i]];
            if (_isActive(consent)) result[i] = QUOTE_ACTIVE | consent.pricePerAccess;
        }
    }

    /// @inheritdoc IConsentRegistry
    function recordOf(address shopper, bytes32 scope) external view returns (bytes32) {
        return _getConsentRegistryStorage().records[shopper][scope];
    }

    /// @inheritdoc IConsentRegistry
    function nonces(address shopper) public view override(IConsentRegistry, NoncesUpgradeable) returns (uint256) {
        return super.nonces(shopper);
    }

    /// @inheritdoc IConsentRegistry
    function standingConsents(address shopper, bytes32 scope) external view returns (uint256) {
        return _getConsentRegistryStorage().scopes[shopper][scope].standingConsents;
    }

    // ─── Internals ──────────────────────────────────────────────────────────────────────────────────────

    function _grant(address shopper, address consumer, bytes32 scope, uint96 pricePerAccess, uint40 expiresAt)
        private
    {
        if (consumer == address(0)) revert ZeroAddress();
        if (scope == bytes32(0)) revert InvalidScope();
        if (expiresAt <= block.timestamp) revert ExpiryInPast(expiresAt, block.timestamp);
        ConsentRegistryStorage storage $ = _getConsentRegistryStorage();
        mapping(address => Consent) storage consents = $.consents[consumer][scope];
        if (!consents[shopper].granted) ++$.scopes[shopper][scope].standingConsents;
        consents[shopper] = Consent({granted: true, expiresAt: expiresAt, pricePerAccess: pricePerAccess});
        emit ConsentGranted(shopper, consumer, scope, pricePerAccess, expiresAt);
    }

    function _revoke(address shopper, address consumer, bytes32 scope) private {
        ConsentRegistryStorage storage $ = _getConsentRegistryStorage();
        mapping(address => Consent) storage consents = $.consents[consumer][scope];
        if (!consents[shopper].granted) revert ConsentNotGranted(shopper, consumer, scope);
        delete consents[shopper];
        // At least this consent was counted.
        unchecked {
            --$.scopes[shopper][scope].standingConsents;
        }
        emit ConsentRevoked(shopper, consumer, scope);
    }

    /// @dev Sets the shopper's next nonce, which OpenZeppelin's Nonces otherwise only increments, in its own
    /// namespaced storage: every signature with a lower nonce stops working.
    function _invalidateNonces(address shopper, uint256 nextNonce) private {
        uint256 current = nonces(shopper);
        OpenZeppelinNonces storage n;
        assembly {
            n.slot := OPENZEPPELIN_NONCES_STORAGE
        }
        n.nonces[shopper] = nextNonce;
        emit NoncesInvalidated(shopper, current, nextNonce);
    }

    /// @dev Checks the deadline, spends the nonce (a replay reverts with InvalidAccountNonce) and checks that
    /// the shopper signed the typed data (ECDSA, or ERC-1271 for a contract wallet).
    function _useShopperSignature(
        address shopper,
        uint256 nonce,
        uint256 deadline,
        bytes32 structHash,
        bytes calldata signature
    ) private {
        if (block.timestamp > deadline) revert SignatureExpired(deadline, block.timestamp);
        _useCheckedNonce(shopper, nonce);
        if (!SignatureChecker.isValidSignatureNowCalldata(shopper, _hashTypedDataV4(structHash), signature)) {
            revert InvalidShopperSignature(shopper);
        }
    }

    function _isActive(Consent memory consent) private view returns (bool) {
        return consent.granted && block.timestamp < consent.expiresAt;
    }

    function _EIP712Name() internal pure override returns (string memory) {
        return DOMAIN_NAME;
    }

    function _domainNameHash() internal pure override returns (bytes32) {
        return DOMAIN_NAME_HASH;
    }

    function _authorizeUpgrade(address) internal override onlyRole(UPGRADER_ROLE) {}

    function _getConsentRegistryStorage() private pure returns (ConsentRegistryStorage storage $) {
        assembly {
            $.slot := CONSENT_REGISTRY_STORAGE
        }
    }
}
