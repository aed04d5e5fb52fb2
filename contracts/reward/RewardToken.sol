// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {ERC20PermitUpgradeable} from
    "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {ConstantEIP712} from "../common/ConstantEIP712.sol";
import {IIssuerKeys} from "./IIssuerKeys.sol";
import {IRewardPolicies} from "./IRewardPolicies.sol";
import {IRewardToken} from "./IRewardToken.sol";
import {RecordedOrderWords, StorefrontPolicyWords, TokenPolicyWords} from "./RewardWords.sol";
import {StorefrontIssuanceSlot, StorefrontIssuanceSlots} from "./StorefrontIssuanceSlot.sol";

/// @title RewardToken
/// @notice ERC-20 loyalty points. Storefronts issue them per order at checkout, at most once per order and
/// within a per-period cap; shoppers redeem (burn) them at checkout, directly or through a storefront with an
/// EIP-2612 permit. Behind a UUPS proxy.
///
/// Program policies (IRewardPolicies): a storefront may hold an order's points pending through its return
/// window and void them in full or in part before release, and may allow itself to claw back released points
/// of refunded orders; the admin may switch on expiry of inactive holders' points. With every policy off,
/// issuance costs exactly what it costs without them.
/// @dev Roles: DEFAULT_ADMIN_ROLE grants and revokes the others, sets caps, the transfer lock and the supply
/// cap; ISSUER_ROLE is held per storefront; PAUSER_ROLE pauses issuance, redemption and transfers;
/// UPGRADER_ROLE upgrades the implementation.
///
/// Deviations from a stock OpenZeppelin token, each for checkout gas:
/// - ISSUER_ROLE membership lives in the storefront's packed issuance slot instead of AccessControl's role
///   mapping, so issuing reads one slot for role, cap, period and counter. `grantRole`, `revokeRole`,
///   `renounceRole` and `hasRole` behave as for any other role and emit the same events.
/// - Pause, the transfer lock and the supply cap share one slot (`TokenPolicy`) instead of OpenZeppelin's
///   Pausable slot plus one of their own, so a balance change reads one slot for all three. The pause keeps
///   OpenZeppelin's events and errors (`Paused`, `Unpaused`, `EnforcedPause`, `ExpectedPause`).
/// - The EIP-712 domain (vouchers and permits) has the constant name `DOMAIN_NAME` and version "1" instead of
///   the token's name, which saves two storage reads per signature. Wallets read it from `eip712Domain()`.
///   `_hashTypedDataV4` hashes it from precomputed constants.
/// - Vouchers carry EIP-2098 compact signatures `(r, vs)`: 64 bytes of calldata instead of a 65-byte `bytes`,
///   and no malleable twin.
/// - Issuance and redemption events carry only what the `Transfer` just before them lacks (see IRewardToken).
/// - Signer keys (IIssuerKeys) act for their storefront: a flag in the key's own issuance slot says so, and only
///   then is the storefront looked up, so a storefront's own calls read nothing more than before keys existed.
contract RewardToken is
    IRewardToken,
    IRewardPolicies,
    IIssuerKeys,
    ERC20PermitUpgradeable,
    ConstantEIP712,
    AccessControlUpgradeable,
    UUPSUpgradeable
{
    /// @inheritdoc IRewardToken
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    /// @inheritdoc IRewardToken
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @inheritdoc IRewardToken
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");

    /// @inheritdoc IRewardToken
    string public constant DOMAIN_NAME = "dCRM RewardToken";

    /// @inheritdoc IRewardPolicies
    uint32 public constant MAX_RETURN_WINDOW = 365 days;
    /// @inheritdoc IRewardPolicies
    uint256 public constant MIN_EXPIRY_PERIOD = 1 days;

    bytes32 private constant DOMAIN_NAME_HASH = keccak256(bytes(DOMAIN_NAME));
    bytes32 private constant REWARD_VOUCHER_TYPEHASH = keccak256(
        "RewardVoucher(address shopper,uint256 amount,address storefront,uint256 orderId,uint256 deadline)"
    );

    /// @custom:storage-location erc7201:dcrm.storage.RewardToken
    struct RewardTokenStorage {
        mapping(address storefront => StorefrontIssuanceSlot) storefronts;
        /// One bit per order number, 256 order numbers per word: sequential orders share a warm word.
        mapping(address storefront => mapping(uint256 word => uint256 bits)) rewardedOrders;
        TokenPolicy policy;
        mapping(address storefront => StorefrontPolicy) storefrontPolicies;
        mapping(address storefront => mapping(address shopper => mapping(uint256 orderId => RecordedOrder))) orders;
        /// The last time each holder's balance changed, kept only while expiry is on.
        mapping(address holder => uint40) lastActivity;
        /// Contracts that hold points in custody for others (escrows): their balances never expire.
        mapping(address account => bool) custodians;
        /// Points recorded pending and not yet released or voided. They count toward the supply cap from
        /// issuance, so that their release always fits under it.
        uint256 pendingSupply;
        /// The storefront each signer key acts for; a key's issuance slot carries the issuer-key flag.
        mapping(address key => address storefront) keyStorefronts;
    }

    // keccak256(abi.encode(uint256(keccak256("dcrm.storage.RewardToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REWARD_TOKEN_STORAGE = 0xae44efe43fe4ff41ed04ba73460000ed9b1a7c22c992de8410304aacc0b4ec00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @inheritdoc IRewardToken
    /// @dev ERC20Permit's initializer and ConstantEIP712's both initialize EIP-712 with (DOMAIN_NAME, "1"): the
    /// second call writes the same values again.
    /// @custom:oz-upgrades-unsafe-allow duplicate-initializer-call
    function initialize(string calldata name_, string calldata symbol_, address admin) external initializer {
        __ERC20_init(name_, symbol_);
        __ERC20Permit_init(DOMAIN_NAME);
        __ConstantEIP712_init();
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
    }

    // ─── Issuance ───────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IRewardToken
    function issue(address shopper, uint256 orderId, uint256 amount) external {
        _issue(msg.sender, shopper, orderId, amount);
    }

    /// @inheritdoc IRewardToken
    /// @dev The cap is charged once with the batch total; the batch event follows the batch's Transfers. A
    /// storefront with a policy gets one event per order instead (`PointsPending`, or `PointsIssued` after each
    /// Transfer) and no batch event.
    function issueBatch(address[] calldata shoppers, uint256[] calldata orderIds, uint256[] calldata amounts)
        external
    {
        uint256 count = shoppers.length;
        _requireBatch(count, orderIds.length);
        _requireBatch(count, amounts.length);
        (address storefront, StorefrontIssuanceSlot issuance) = _actingIssuer(msg.sender);
        _markRewardedBatch(storefront, orderIds);
        if (issuance.recordsOrders()) {
            uint256 policy = _storefrontPolicyWord(storefront);
            uint256 total;
            for (uint256 i; i < count; ++i) {
                total += _issueUnderPolicy(storefront, policy, shoppers[i], orderIds[i], amounts[i]);
            }
            _charge(storefront, issuance, total);
            return;
        }
        _charge(storefront, issuance, _mintBatch(shoppers, amounts));
        emit PointsIssuedInBatch(storefront, orderIds);
    }

    /// @inheritdoc IRewardToken
    /// @dev Marks the range a bitmap word at a time. Events as in `issueBatch`.
    function issueForOrderRange(uint256 firstOrderId, address[] calldata shoppers, uint256[] calldata amounts)
        external
    {
        uint256 count = shoppers.length;
        _requireBatch(count, amounts.length);
        if (firstOrderId > type(uint256).max - (count - 1)) revert OrderRangeOverflow(firstOrderId, count);
        (address storefront, StorefrontIssuanceSlot issuance) = _actingIssuer(msg.sender);
        _markRewardedRange(storefront, firstOrderId, count);
        if (issuance.recordsOrders()) {
            uint256 policy = _storefrontPolicyWord(storefront);
            uint256 total;
            for (uint256 i; i < count; ++i) {
                uint256 orderId;
                // Cannot wrap: the range was checked to fit below 2**256. The total stays checked: a wrapped
                // total would charge the cap less than was recorded.
                unchecked {
                    orderId = firstOrderId + i;
                }
                total += _issueUnderPolicy(storefront, policy, shoppers[i], orderId, amounts[i]);
            }
            _charge(storefront, issuance, total);
            return;
        }
        _charge(storefront, issuance, _mintBatch(shoppers, amounts));
        emit PointsIssuedForOrderRange(storefront, firstOrderId, count);
    }

    /// @inheritdoc IRewardToken
    /// @dev A voucher may also be signed by a key of `voucher.storefront` (IIssuerKeys); the key is looked up
    /// only when the signer is not the storefront. Its power is checked now, at use.
    function claimVoucher(RewardVoucher memory voucher, bytes32 r, bytes32 vs) external {
        if (block.timestamp > voucher.deadline) revert SignatureExpired(voucher.deadline, block.timestamp);
        address signer = ECDSA.recover(_voucherDigest(voucher), r, vs);
        if (signer != voucher.storefront && !_isKeyOf(signer, voucher.storefront)) {
            revert VoucherSignerMismatch(signer, voucher.storefront);
        }
        _issue(voucher.storefront, voucher.shopper, voucher.orderId, voucher.amount);
    }

    // ─── Redemption ─────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IRewardToken
    /// @dev Unattributed: the caller could name any storefront, so it names none.
    function redeem(uint256 amount, bytes32 ref) external {
        // `_redeem` for the caller, written out: the shopper's own redemption is the hottest path after issuance.
        if (amount == 0) revert ZeroAmount();
        // The caller is never the zero address, so `_burn`'s check is left out.
        _update(msg.sender, address(0), amount);
        emit PointsRedeemed(address(0), ref);
    }

    /// @inheritdoc IRewardToken
    /// @dev Attributed to the caller, the spender the shopper authorized: it can name no other storefront.
    function redeemFrom(address shopper, uint256 amount, bytes32 ref) external {
        _spendAllowance(shopper, msg.sender, amount);
        _redeem(msg.sender, shopper, amount, ref);
    }

    /// @inheritdoc IRewardToken
    /// @dev When the allowance already covers `amount` (someone submitted the permit first, or the shopper
    /// approved), the permit is not applied again, so front-running the permit cannot make checkout fail.
    function redeemWithPermit(
        address shopper,
        uint256 amount,
        bytes32 ref,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        if (allowance(shopper, msg.sender) < amount) permit(shopper, msg.sender, amount, deadline, v, r, s);
        _spendAllowance(shopper, msg.sender, amount);
        _redeem(msg.sender, shopper, amount, ref);
    }

    // ─── Program policies ───────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IRewardPolicies
    /// @dev Orders issued before keep the terms they were issued under: a clawback promise cannot be taken
    /// back from shoppers, and a new window does not delay points already pending.
    function setStorefrontPolicy(uint32 returnWindow, bool clawbackAllowed) external {
        if (returnWindow > MAX_RETURN_WINDOW) revert ReturnWindowTooLong(returnWindow, MAX_RETURN_WINDOW);
        RewardTokenStorage storage $ = _getRewardTokenStorage();
        StorefrontIssuanceSlot issuance = _issuerSlot(msg.sender);
        $.storefronts[msg.sender] = issuance.withRecordsOrders(returnWindow != 0 || clawbackAllowed);
        $.storefrontPolicies[msg.sender] = StorefrontPolicy(returnWindow, clawbackAllowed);
        emit StorefrontPolicySet(msg.sender, returnWindow, clawbackAllowed);
    }

    /// @inheritdoc IRewardPolicies
    /// @dev Pause is checked once for the batch, the storefront's right to release early once. A key's right is
    /// looked up only for an order whose window is still open, so a keeper releasing closed windows pays nothing
    /// for keys. The supply cap was applied at issuance, when the points became pending, so a release never
    /// meets it.
    function release(address storefront, address[] calldata shoppers, uint256[] calldata orderIds) external {
        uint256 count = shoppers.length;
        _requireBatch(count, orderIds.length);
        _requireNotPaused();
        // Early release is the storefront's power, so it needs the live issuer role; read only when it may apply.
        bool mayReleaseEarly = msg.sender == storefront && _getRewardTokenStorage().storefronts[storefront].isIssuer();
        uint256 total;
        for (uint256 i; i < count; ++i) {
            (address shopper, uint256 orderId) = (shoppers[i], orderIds[i]);
            uint256 points = _release(storefront, shopper, orderId, mayReleaseEarly);
            if (points == 0) continue;
            _mintReleased(shopper, points);
            total += points;
            emit PointsReleased(storefront, orderId);
        }
        if (total != 0) _releasePending(total);
    }

    /// @inheritdoc IRewardPolicies
    /// @dev Needs the live issuer role: revoking a storefront's key ends its power over its orders. A signer key
    /// voids its storefront's orders.
    function voidPending(address shopper, uint256 orderId, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        address storefront = _actingStorefront(msg.sender);
        RecordedOrder storage record = _getRewardTokenStorage().orders[storefront][shopper][orderId];
        uint256 order = _loadOrder(record);
        uint256 points = RecordedOrderWords.points(order);
        if (points == 0 || RecordedOrderWords.released(order)) revert OrderNotPending(storefront, shopper, orderId);
        if (amount > points) revert VoidExceedsPending(storefront, shopper, orderId, amount, points);
        uint256 remaining;
        unchecked {
            remaining = points - amount; // amount <= points, checked above
        }
        // A fully voided order leaves nothing to track (its order number stays rewarded).
        _storeOrder(record, remaining == 0 ? 0 : RecordedOrderWords.withPoints(order, remaining));
        // Voided points free their room under the supply cap.
        _releasePending(amount);
        emit PendingPointsVoided(storefront, shopper, orderId, amount, remaining);
    }

    /// @inheritdoc IRewardPolicies
    /// @dev Needs the live issuer role, as `voidPending`; a signer key claws back its storefront's orders.
    function clawback(address shopper, uint256 orderId, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        address storefront = _actingStorefront(msg.sender);
        RecordedOrder storage record = _getRewardTokenStorage().orders[storefront][shopper][orderId];
        uint256 order = _loadOrder(record);
        uint256 points = RecordedOrderWords.points(order);
        if (points == 0) revert OrderNotClawbackable(storefront, shopper, orderId);
        if (!RecordedOrderWords.released(order)) revert OrderStillPending(storefront, shopper, orderId);
        if (amount > points) revert ClawbackExceedsOrder(storefront, shopper, orderId, amount, points);
        // The order is closed once nothing of it is left (its order number stays rewarded).
        unchecked {
            _storeOrder(record, amount == points ? 0 : RecordedOrderWords.withPoints(order, points - amount));
        }
        uint256 held = balanceOf(shopper);
        uint256 burned = amount < held ? amount : held;
        // shopper is not zero: points were issued to it. `_update` checks the pause.
        if (burned != 0) _update(shopper, address(0), burned);
        else _requireNotPaused();
        emit PointsClawedBack(storefront, shopper, orderId, amount, amount - burned);
    }

    /// @inheritdoc IRewardPolicies
    function expire(address[] calldata holders) external {
        if (holders.length == 0) revert EmptyBatch();
        TokenPolicy memory policy = _getRewardTokenStorage().policy;
        if (policy.expiryPeriod == 0) revert ExpiryOff();
        for (uint256 i; i < holders.length; ++i) {
            address holder = holders[i];
            uint256 points = balanceOf(holder);
            if (points == 0) {
                emit ExpirySkipped(holder, ExpirySkip.NoPoints);
                continue;
            }
            if (block.timestamp < _expiresAt(policy, holder)) {
                emit ExpirySkipped(holder, ExpirySkip.NotExpired);
                continue;
            }
            if (_getRewardTokenStorage().custodians[holder]) {
                emit ExpirySkipped(holder, ExpirySkip.Custodian);
                continue;
            }
            _burn(holder, points);
            emit PointsExpired(holder, points);
        }
    }

    // ─── Signer keys ────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IIssuerKeys
    function setIssuerKey(address key, bool authorised) external {
        if (key == address(0)) revert ZeroAddress();
        _issuerSlot(msg.sender);
        RewardTokenStorage storage $ = _getRewardTokenStorage();
        address current = $.keyStorefronts[key];
        StorefrontIssuanceSlot slot = $.storefronts[key];
        if (!authorised) {
            if (current != msg.sender) revert NotIssuerKeyOf(key, msg.sender);
        } else {
            if (current == msg.sender) return;
            if (current != address(0)) revert IssuerKeyOfAnotherStorefront(key, current);
            if (slot.isIssuer()) revert IssuerKeyIsStorefront(key);
        }
        $.keyStorefronts[key] = authorised ? msg.sender : address(0);
        $.storefronts[key] = slot.withIssuerKey(authorised);
        emit IssuerKeySet(msg.sender, key, authorised);
    }

    // ─── Admin ──────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IRewardToken
    function setIssuanceCap(address storefront, uint256 capPerPeriod, uint256 capPeriod)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (storefront == address(0)) revert ZeroAddress();
        if (capPeriod == 0 || capPeriod > type(uint32).max) revert InvalidCapPeriod(capPeriod);
        if (capPerPeriod > type(uint88).max) revert CapPerPeriodTooLarge(capPerPeriod);
        mapping(address => StorefrontIssuanceSlot) storage storefronts = _getRewardTokenStorage().storefronts;
        StorefrontIssuanceSlot slot = storefronts[storefront];
        StorefrontIssuance memory issuance = slot.toStruct(block.timestamp);
        issuance.capPerPeriod = uint88(capPerPeriod);
        issuance.capPeriod = uint32(capPeriod);
        // A uint40 holds timestamps for the next 34,000 years.
        issuance.periodStart = uint40(block.timestamp - (block.timestamp % capPeriod));
        storefronts[storefront] = StorefrontIssuanceSlots.fromStruct(issuance).withRecordsOrders(slot.recordsOrders())
            .withIssuerKey(slot.isIssuerKey());
        emit IssuanceCapSet(storefront, capPerPeriod, capPeriod);
    }

    /// @inheritdoc IRewardPolicies
    function setCustodian(address account, bool custodian) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (account == address(0)) revert ZeroAddress();
        _getRewardTokenStorage().custodians[account] = custodian;
        emit CustodianSet(account, custodian);
    }

    /// @inheritdoc IRewardToken
    function setTransfersLocked(bool locked) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _getRewardTokenStorage().policy.transfersLocked = locked;
        emit TransfersLockedSet(locked);
    }

    /// @inheritdoc IRewardToken
    function setSupplyCap(uint256 cap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (cap > type(uint128).max) revert SupplyCapTooLarge(cap);
        uint256 committed = totalSupply() + _getRewardTokenStorage().pendingSupply;
        if (cap != 0 && cap < committed) revert SupplyCapBelowSupply(cap, committed);
        _getRewardTokenStorage().policy.supplyCap = uint128(cap);
        emit SupplyCapSet(cap);
    }

    /// @inheritdoc IRewardPolicies
    function setExpiryPeriod(uint256 period) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (period != 0 && (period < MIN_EXPIRY_PERIOD || period > type(uint32).max)) {
            revert InvalidExpiryPeriod(period);
        }
        TokenPolicy storage policy = _getRewardTokenStorage().policy;
        // A uint40 holds timestamps for the next 34,000 years.
        if (policy.expiryPeriod == 0) policy.expiryStart = uint40(block.timestamp);
        policy.expiryPeriod = uint32(period);
        emit ExpiryPeriodSet(period);
    }

    /// @inheritdoc IRewardToken
    function pause() external onlyRole(PAUSER_ROLE) {
        TokenPolicy storage policy = _getRewardTokenStorage().policy;
        if (policy.paused) revert EnforcedPause();
        policy.paused = true;
        emit Paused(_msgSender());
    }

    /// @inheritdoc IRewardToken
    function unpause() external onlyRole(PAUSER_ROLE) {
        TokenPolicy storage policy = _getRewardTokenStorage().policy;
        if (!policy.paused) revert ExpectedPause();
        policy.paused = false;
        emit Unpaused(_msgSender());
    }

    // ─── Views ──────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IRewardToken
    function isOrderRewarded(address storefront, uint256 orderId) external view returns (bool) {
        return _getRewardTokenStorage().rewardedOrders[storefront][orderId >> 8] & (1 << (orderId & 0xff)) != 0;
    }

    /// @inheritdoc IRewardToken
    function storefrontIssuance(address storefront) external view returns (StorefrontIssuance memory) {
        return _getRewardTokenStorage().storefronts[storefront].toStruct(block.timestamp);
    }

    /// @inheritdoc IRewardToken
    function voucherDigest(RewardVoucher memory voucher) external view returns (bytes32) {
        return _voucherDigest(voucher);
    }

    /// @inheritdoc IIssuerKeys
    function storefrontOfKey(address key) external view returns (address) {
        return _getRewardTokenStorage().keyStorefronts[key];
    }

    /// @inheritdoc IRewardPolicies
    function storefrontPolicy(address storefront) external view returns (StorefrontPolicy memory) {
        return _getRewardTokenStorage().storefrontPolicies[storefront];
    }

    /// @inheritdoc IRewardPolicies
    function recordedOrder(address storefront, address shopper, uint256 orderId)
        external
        view
        returns (RecordedOrder memory)
    {
        return _getRewardTokenStorage().orders[storefront][shopper][orderId];
    }

    /// @inheritdoc IRewardPolicies
    function pointsExpireAt(address holder) external view returns (uint256) {
        TokenPolicy memory policy = _getRewardTokenStorage().policy;
        if (policy.expiryPeriod == 0 || balanceOf(holder) == 0 || _getRewardTokenStorage().custodians[holder]) return 0;
        return _expiresAt(policy, holder);
    }

    /// @inheritdoc IRewardPolicies
    function pendingSupply() external view returns (uint256) {
        return _getRewardTokenStorage().pendingSupply;
    }

    /// @inheritdoc IRewardPolicies
    function isCustodian(address account) external view returns (bool) {
        return _getRewardTokenStorage().custodians[account];
    }

    /// @inheritdoc IRewardPolicies
    function expiryPeriod() external view returns (uint256) {
        return _getRewardTokenStorage().policy.expiryPeriod;
    }

    /// @inheritdoc IRewardToken
    function paused() external view returns (bool) {
        return _getRewardTokenStorage().policy.paused;
    }

    /// @inheritdoc IRewardToken
    function transfersLocked() external view returns (bool) {
        return _getRewardTokenStorage().policy.transfersLocked;
    }

    /// @inheritdoc IRewardToken
    function supplyCap() external view returns (uint256) {
        return _getRewardTokenStorage().policy.supplyCap;
    }

    /// @inheritdoc AccessControlUpgradeable
    /// @dev Issuers are read from the storefront's issuance slot.
    function hasRole(bytes32 role, address account)
        public
        view
        override(AccessControlUpgradeable, IAccessControl)
        returns (bool)
    {
        if (role == ISSUER_ROLE) return _getRewardTokenStorage().storefronts[account].isIssuer();
        return super.hasRole(role, account);
    }

    /// @inheritdoc IERC20Permit
    function nonces(address owner) public view override(ERC20PermitUpgradeable, IERC20Permit) returns (uint256) {
        return super.nonces(owner);
    }

    // ─── Internals ──────────────────────────────────────────────────────────────────────────────────────

    /// @dev `account` is the caller or a voucher's storefront; a signer key issues as its storefront.
    function _issue(address account, address shopper, uint256 orderId, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        StorefrontIssuanceSlot issuance = _getRewardTokenStorage().storefronts[account];
        address storefront = account;
        // One test for the common case: an issuer without a policy. Keys and policies are looked at only after.
        if (!issuance.isIssuerWithoutPolicy()) {
            if (!issuance.isIssuer()) (storefront, issuance) = _keyIssuer(account, issuance);
            if (issuance.recordsOrders()) return _issueRecorded(storefront, issuance, shopper, orderId, amount);
        }
        _charge(storefront, issuance, amount);
        _markRewarded(storefront, orderId);
        _mint(shopper, amount);
        emit PointsIssued(storefront, orderId);
    }

    /// @dev `_issue` for a storefront whose policy records its orders.
    function _issueRecorded(
        address storefront,
        StorefrontIssuanceSlot issuance,
        address shopper,
        uint256 orderId,
        uint256 amount
    ) private {
        _charge(storefront, issuance, amount);
        _markRewarded(storefront, orderId);
        _issueUnderPolicy(storefront, _storefrontPolicyWord(storefront), shopper, orderId, amount);
    }

    /// @dev Records an order of a storefront with a policy: pending through the return window, or (without
    /// one) minted at once and kept open to clawback. Returns `amount` for the batch total.
    function _issueUnderPolicy(
        address storefront,
        uint256 policy,
        address shopper,
        uint256 orderId,
        uint256 amount
    ) private returns (uint256) {
        if (amount == 0) revert ZeroAmount();
        if (shopper == address(0)) revert ERC20InvalidReceiver(shopper);
        uint256 returnWindow = StorefrontPolicyWords.returnWindow(policy);
        uint256 releaseTime = block.timestamp + returnWindow;
        _storeOrder(
            _getRewardTokenStorage().orders[storefront][shopper][orderId],
            RecordedOrderWords.pack({
                // Points above 88 bits exceed any cap (88 bits), and the charge of this order or its batch reverts.
                points_: uint88(amount),
                // now plus at most MAX_RETURN_WINDOW fits 40 bits for the next 34,000 years.
                releaseTime_: uint40(releaseTime),
                released_: returnWindow == 0,
                clawbackAllowed_: StorefrontPolicyWords.clawbackAllowed(policy)
            })
        );
        if (returnWindow == 0) {
            _mint(shopper, amount);
            emit PointsIssued(storefront, orderId);
        } else {
            _reservePending(amount);
            emit PointsPending(storefront, shopper, orderId, amount, releaseTime);
        }
        return amount;
    }

    /// @dev Closes the pending record of an order (keeping it, released, while it is open to clawback) and
    /// returns its points; returns 0 after `ReleaseSkipped` when the order cannot be released.
    function _release(address storefront, address shopper, uint256 orderId, bool mayReleaseEarly)
        private
        returns (uint256 points)
    {
        RecordedOrder storage record = _getRewardTokenStorage().orders[storefront][shopper][orderId];
        uint256 order = _loadOrder(record);
        points = RecordedOrderWords.points(order);
        if (points == 0 || RecordedOrderWords.released(order)) {
            emit ReleaseSkipped(storefront, shopper, orderId, ReleaseSkip.NotPending);
            return 0;
        }
        if (
            block.timestamp < RecordedOrderWords.releaseTime(order) && !mayReleaseEarly
                && !_isLiveKeyOf(msg.sender, storefront)
        ) {
            emit ReleaseSkipped(storefront, shopper, orderId, ReleaseSkip.ReturnWindowOpen);
            return 0;
        }
        _storeOrder(record, RecordedOrderWords.clawbackAllowed(order) ? RecordedOrderWords.asReleased(order) : 0);
    }

    /// @dev A recorded order's word (`RecordedOrderWords`), read in one access.
    function _loadOrder(RecordedOrder storage record) private view returns (uint256 order) {
        assembly ("memory-safe") {
            order := sload(record.slot)
        }
    }

    /// @dev Writes a recorded order's word whole; 0 deletes the record without hashing its three keys again.
    function _storeOrder(RecordedOrder storage record, uint256 order) private {
        assembly ("memory-safe") {
            sstore(record.slot, order)
        }
    }

    /// @dev The token policy word (`TokenPolicyWords`), read in one access.
    function _policyWord() private view returns (uint256 word) {
        TokenPolicy storage policy = _getRewardTokenStorage().policy;
        assembly ("memory-safe") {
            word := sload(policy.slot)
        }
    }

    /// @dev A storefront's policy word (`StorefrontPolicyWords`), read in one access.
    function _storefrontPolicyWord(address storefront) private view returns (uint256 word) {
        StorefrontPolicy storage policy = _getRewardTokenStorage().storefrontPolicies[storefront];
        assembly ("memory-safe") {
            word := sload(policy.slot)
        }
    }

    /// @dev Counts points that become pending toward the supply cap; they may not be recorded under pause.
    function _reservePending(uint256 amount) private {
        uint256 policy = _policyWord();
        if (TokenPolicyWords.paused(policy)) revert EnforcedPause();
        RewardTokenStorage storage $ = _getRewardTokenStorage();
        uint256 pending = $.pendingSupply + amount;
        $.pendingSupply = pending;
        uint256 cap = TokenPolicyWords.supplyCap(policy);
        if (cap != 0) _requireCommittedWithin(cap, totalSupply() + pending);
    }

    /// @dev Takes released or voided points off the pending count. Orders recorded pending before the count
    /// existed (version 1) were never added to it, so it stops at zero instead of reverting their release.
    function _releasePending(uint256 amount) private {
        RewardTokenStorage storage $ = _getRewardTokenStorage();
        uint256 pending = $.pendingSupply;
        $.pendingSupply = pending > amount ? pending - amount : 0;
    }

    /// @dev Mints released points; the pause is the caller's to check, and the supply cap was met at issuance.
    function _mintReleased(address shopper, uint256 points) private {
        ERC20Upgradeable._update(address(0), shopper, points);
        _recordActivity(_getRewardTokenStorage().policy.expiryPeriod, shopper);
    }

    /// @dev Notes that `holder`'s balance changed now, when expiry is on.
    function _recordActivity(uint256 period, address holder) private {
        // A uint40 holds timestamps for the next 34,000 years.
        if (period != 0) _getRewardTokenStorage().lastActivity[holder] = uint40(block.timestamp);
    }

    /// @dev When the holder's points expire: its last activity (not before expiry was switched on) plus the
    /// expiry period.
    function _expiresAt(TokenPolicy memory policy, address holder) private view returns (uint256) {
        uint256 last = _getRewardTokenStorage().lastActivity[holder];
        if (last < policy.expiryStart) last = policy.expiryStart;
        return last + policy.expiryPeriod;
    }

    function _redeem(address storefront, address shopper, uint256 amount, bytes32 ref) private {
        if (amount == 0) revert ZeroAmount();
        // `_burn` without its zero-address check: `shopper` is an owner whose allowance was just spent, and the
        // zero address has none.
        _update(shopper, address(0), amount);
        emit PointsRedeemed(storefront, ref);
    }

    /// @dev Mints a batch and returns its total. What `_update` checks on every call (pause, supply cap), the
    /// batch checks once; minting cannot meet the transfer lock.
    function _mintBatch(address[] calldata shoppers, uint256[] calldata amounts) private returns (uint256 total) {
        _requireNotPaused();
        uint256 period = _getRewardTokenStorage().policy.expiryPeriod;
        for (uint256 i; i < shoppers.length; ++i) {
            address shopper = shoppers[i];
            uint256 amount = amounts[i];
            if (shopper == address(0)) revert ERC20InvalidReceiver(shopper);
            if (amount == 0) revert ZeroAmount();
            ERC20Upgradeable._update(address(0), shopper, amount);
            _recordActivity(period, shopper);
            total += amount;
        }
        _requireWithinSupplyCap();
    }

    /// @dev The storefront's packed issuance word, reverting unless it holds the issuer role.
    function _issuerSlot(address storefront) private view returns (StorefrontIssuanceSlot issuance) {
        issuance = _getRewardTokenStorage().storefronts[storefront];
        if (!issuance.isIssuer()) revert AccessControlUnauthorizedAccount(storefront, ISSUER_ROLE);
    }

    /// @dev The storefront `account` issues for (itself, or the storefront of a signer key) and that
    /// storefront's word, reverting unless the storefront holds the issuer role.
    function _actingIssuer(address account) private view returns (address, StorefrontIssuanceSlot) {
        return _actingIssuerOf(account, _getRewardTokenStorage().storefronts[account]);
    }

    /// @dev The storefront `account` acts for: itself when it holds the issuer role, else the storefront of a
    /// signer key, which must hold it.
    function _actingStorefront(address account) private view returns (address storefront) {
        if (_getRewardTokenStorage().storefronts[account].isIssuer()) return account;
        (storefront,) = _keyIssuer(account, _getRewardTokenStorage().storefronts[account]);
    }

    /// @dev `_actingIssuer` given the account's own word: a storefront reads nothing more.
    function _actingIssuerOf(address account, StorefrontIssuanceSlot slot)
        private
        view
        returns (address, StorefrontIssuanceSlot)
    {
        if (slot.isIssuer()) return (account, slot);
        return _keyIssuer(account, slot);
    }

    /// @dev The storefront of signer key `account` (whose own word is `slot`, without the issuer role) and that
    /// storefront's word, reverting unless `account` is a key and its storefront holds the issuer role.
    function _keyIssuer(address account, StorefrontIssuanceSlot slot)
        private
        view
        returns (address, StorefrontIssuanceSlot)
    {
        if (!slot.isIssuerKey()) revert AccessControlUnauthorizedAccount(account, ISSUER_ROLE);
        RewardTokenStorage storage $ = _getRewardTokenStorage();
        address storefront = $.keyStorefronts[account];
        StorefrontIssuanceSlot issuance = $.storefronts[storefront];
        // The storefront's role was revoked: its keys lost their power with it.
        if (!issuance.isIssuer()) revert AccessControlUnauthorizedAccount(storefront, ISSUER_ROLE);
        return (storefront, issuance);
    }

    /// @dev Whether `signer` is a signer key of `storefront` (the storefront's role is checked where it issues).
    function _isKeyOf(address signer, address storefront) private view returns (bool) {
        return storefront != address(0) && _getRewardTokenStorage().keyStorefronts[signer] == storefront;
    }

    /// @dev Whether `account` is a signer key of `storefront` and the storefront holds the issuer role.
    function _isLiveKeyOf(address account, address storefront) private view returns (bool) {
        return _isKeyOf(account, storefront) && _getRewardTokenStorage().storefronts[storefront].isIssuer();
    }

    /// @dev Counts `amount` against the storefront's cap: one write of the word read by `_issuerSlot`.
    function _charge(address storefront, StorefrontIssuanceSlot issuance, uint256 amount) private {
        _getRewardTokenStorage().storefronts[storefront] = issuance.charged(storefront, amount, block.timestamp);
    }


    function _markRewarded(address storefront, uint256 orderId) private {
        mapping(uint256 => uint256) storage words = _getRewardTokenStorage().rewardedOrders[storefront];
        uint256 bit = 1 << (orderId & 0xff);
        uint256 word = words[orderId >> 8];
        // Written before the check so that read and write share one slot computation; a revert undoes it.
        words[orderId >> 8] = word | bit;
        if (word & bit != 0) revert OrderAlreadyRewarded(storefront, orderId);
    }

    /// @dev Sequential order numbers share bitmap words: the current word stays in memory and is written
    /// once when the batch moves past it, so each further order of the word costs no storage access.
    function _markRewardedBatch(address storefront, uint256[] calldata orderIds) private {
        mapping(uint256 => uint256) storage words = _getRewardTokenStorage().rewardedOrders[storefront];
        uint256 wordIndex = orderIds[0] >> 8;
        uint256 word = words[wordIndex];
        for (uint256 i; i < orderIds.length; ++i) {
            uint256 orderId = orderIds[i];
            if (orderId >> 8 != wordIndex) {
                words[wordIndex] = word;
                wordIndex = orderId >> 8;
                word = words[wordIndex];
            }
            uint256 bit = 1 << (orderId & 0xff);
            if (word & bit != 0) revert OrderAlreadyRewarded(storefront, orderId);
            word |= bit;
        }
        words[wordIndex] = word;
    }

    /// @dev Marks orders `first` to `first + count - 1`, one read and one write per bitmap word.
    function _markRewardedRange(address storefront, uint256 first, uint256 count) private {
        mapping(uint256 => uint256) storage words = _getRewardTokenStorage().rewardedOrders[storefront];
        uint256 next = first;
        uint256 remaining = count;
        while (remaining != 0) {
            uint256 offset = next & 0xff;
            uint256 inWord = 256 - offset < remaining ? 256 - offset : remaining;
            // inWord is at most 256, and 1 << 256 wraps to 0, so the mask of a full word is all ones.
            uint256 mask;
            unchecked {
                mask = ((1 << inWord) - 1) << offset;
            }
            uint256 word = words[next >> 8];
            uint256 clash = word & mask;
            if (clash != 0) revert OrderAlreadyRewarded(storefront, (next & ~uint256(0xff)) + _lowestBit(clash));
            words[next >> 8] = word | mask;
            remaining -= inWord;
            // Cannot wrap: the caller checked that the range fits below 2**256.
            unchecked {
                next += inWord;
            }
        }
    }

    /// @dev The index of the lowest set bit of a non-zero word (only used to name a duplicate order).
    function _lowestBit(uint256 word) private pure returns (uint256 index) {
        while (word & 1 == 0) {
            word >>= 1;
            ++index;
        }
    }

    /// @dev The struct hash is taken over the voucher where it lies in memory, with the type hash written
    /// for a moment into the word before it (and that word restored): `abi.encode` would copy all six words.
    function _voucherDigest(RewardVoucher memory voucher) private view returns (bytes32) {
        bytes32 structHash;
        bytes32 typeHash = REWARD_VOUCHER_TYPEHASH;
        assembly ("memory-safe") {
            let head := sub(voucher, 0x20)
            let saved := mload(head)
            mstore(head, typeHash)
            // The five members are static and fill one word each: 0xc0 bytes with the type hash.
            structHash := keccak256(head, 0xc0)
            mstore(head, saved)
        }
        return _hashTypedDataV4(structHash);
    }

    /// @dev Every balance change passes here: the pause, the transfer lock, the supply cap and (when expiry is
    /// on) the holders' activity, all from one slot, which one test skips when every switch is off.
    function _update(address from, address to, uint256 value) internal override {
        TokenPolicy storage policy = _getRewardTokenStorage().policy;
        uint256 switches = TokenPolicyWords.SWITCHES_MASK;
        assembly ("memory-safe") {
            switches := and(sload(policy.slot), switches)
        }
        if (switches == 0) return super._update(from, to, value);
        // Read every field before branching, so that the optimizer loads the slot once.
        (bool isPaused, bool locked, uint256 cap, uint256 period) =
            (policy.paused, policy.transfersLocked, policy.supplyCap, policy.expiryPeriod);
        if (isPaused) revert EnforcedPause();
        if (from == address(0)) {
            // Supply and pending points are read only when a cap is set; pending points keep their room.
            if (cap != 0) _requireRoom(cap, value);
        } else if (to != address(0) && locked) {
            revert TransfersLocked(from, to);
        }
        super._update(from, to, value);
        // Only a real balance change is activity: a zero or self transfer needs no allowance and moves nothing.
        if (period != 0 && value != 0 && from != to) {
            if (from != address(0)) _recordActivity(period, from);
            if (to != address(0)) _recordActivity(period, to);
        }
    }

    /// @dev A batch of `count` items, with another list of `length` items beside it.
    function _requireBatch(uint256 count, uint256 length) private pure {
        if (count == 0) revert EmptyBatch();
        if (length != count) revert BatchLengthMismatch(count, length);
    }

    function _requireNotPaused() private view {
        if (_getRewardTokenStorage().policy.paused) revert EnforcedPause();
    }

    function _requireWithinSupplyCap() private view {
        uint256 cap = _getRewardTokenStorage().policy.supplyCap;
        if (cap != 0) _requireRoom(cap, 0);
    }

    /// @dev Reverts unless `value` more points fit under `cap` beside the supply and the pending points.
    function _requireRoom(uint256 cap, uint256 value) private view {
        _requireCommittedWithin(cap, totalSupply() + _getRewardTokenStorage().pendingSupply + value);
    }

    function _requireCommittedWithin(uint256 cap, uint256 committed) private pure {
        if (committed > cap) revert SupplyCapExceeded(cap, committed);
    }

    /// @dev Issuer membership is a flag in the storefront's issuance slot; other roles use AccessControl.
    function _grantRole(bytes32 role, address account) internal override returns (bool) {
        if (role != ISSUER_ROLE) return super._grantRole(role, account);
        if (account == address(0)) revert ZeroAddress();
        return _setIssuer(account, true);
    }

    /// @dev Revoking keeps the storefront's cap and this period's count, so a re-grant starts no fresh period.
    function _revokeRole(bytes32 role, address account) internal override returns (bool) {
        if (role != ISSUER_ROLE) return super._revokeRole(role, account);
        return _setIssuer(account, false);
    }

    /// @dev A signer key cannot become a storefront while it acts for one (`IIssuerKeys`).
    function _setIssuer(address account, bool issuer) private returns (bool changed) {
        mapping(address => StorefrontIssuanceSlot) storage storefronts = _getRewardTokenStorage().storefronts;
        StorefrontIssuanceSlot slot = storefronts[account];
        if (slot.isIssuer() == issuer) return false;
        if (slot.isIssuerKey()) revert AccountIsIssuerKey(account, _getRewardTokenStorage().keyStorefronts[account]);
        storefronts[account] = slot.withIssuer(issuer);
        if (issuer) emit RoleGranted(ISSUER_ROLE, account, _msgSender());
        else emit RoleRevoked(ISSUER_ROLE, account, _msgSender());
        return true;
    }

    function _authorizeUpgrade(address) internal override onlyRole(UPGRADER_ROLE) {}

    function _EIP712Name() internal pure override returns (string memory) {
        return DOMAIN_NAME;
    }

    function _EIP712Version() internal pure override(EIP712Upgradeable, ConstantEIP712) returns (string memory) {
        return DOMAIN_VERSION;
    }

    function _domainNameHash() internal pure override returns (bytes32) {
        return DOMAIN_NAME_HASH;
    }

    function _hashTypedDataV4(bytes32 structHash)
        internal
        view
        override(EIP712Upgradeable, ConstantEIP712)
        returns (bytes32)
    {
        return ConstantEIP712._hashTypedDataV4(structHash);
    }

    function _getRewardTokenStorage() private pure returns (RewardTokenStorage storage $) {
        assembly {
            $.slot := REWARD_TOKEN_STORAGE
        }
    }
}
