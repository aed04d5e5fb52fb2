// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {ERC20PermitUpgradeable} from
    "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

import {IRewardToken} from "./IRewardToken.sol";
import {StorefrontIssuanceSlot, StorefrontIssuanceSlots} from "./StorefrontIssuanceSlot.sol";

/// @title RewardToken
/// @notice ERC-20 loyalty points. Storefronts issue them per order at checkout, at most once per order and
/// within a per-period cap; shoppers redeem (burn) them at checkout, directly or through a storefront with an
/// EIP-2612 permit. Behind a UUPS proxy.
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
contract RewardToken is
    IRewardToken,
    ERC20PermitUpgradeable,
    AccessControlUpgradeable,
    UUPSUpgradeable
{
    /// @notice The role of a storefront that issues points.
    bytes32 public constant ISSUER_ROLE = keccak256("ISSUER_ROLE");
    /// @notice The role that pauses and unpauses the token.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice The role that upgrades the implementation.
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");

    /// @notice The EIP-712 domain name of vouchers and permits.
    string public constant DOMAIN_NAME = "dCRM RewardToken";
    /// @notice The EIP-712 domain version of vouchers and permits.
    string public constant DOMAIN_VERSION = "1";

    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant DOMAIN_NAME_HASH = keccak256(bytes(DOMAIN_NAME));
    bytes32 private constant DOMAIN_VERSION_HASH = keccak256(bytes(DOMAIN_VERSION));
    bytes32 private constant REWARD_VOUCHER_TYPEHASH = keccak256(
        "RewardVoucher(address shopper,uint256 amount,address storefront,uint256 orderId,uint256 deadline)"
    );

    /// @custom:storage-location erc7201:dcrm.storage.RewardToken
    struct RewardTokenStorage {
        mapping(address storefront => StorefrontIssuanceSlot) storefronts;
        /// One bit per order number, 256 order numbers per word: sequential orders share a warm word.
        mapping(address storefront => mapping(uint256 word => uint256 bits)) rewardedOrders;
        TokenPolicy policy;
    }

    // keccak256(abi.encode(uint256(keccak256("dcrm.storage.RewardToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REWARD_TOKEN_STORAGE = 0xae44efe43fe4ff41ed04ba73460000ed9b1a7c22c992de8410304aacc0b4ec00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets up the proxy: token name and symbol, and `admin` as admin, pauser and upgrader.
    function initialize(string calldata name_, string calldata symbol_, address admin) external initializer {
        __ERC20_init(name_, symbol_);
        __ERC20Permit_init(DOMAIN_NAME);
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
    /// @dev The cap is charged once with the batch total; the batch event follows the batch's Transfers.
    function issueBatch(address[] calldata shoppers, uint256[] calldata orderIds, uint256[] calldata amounts)
        external
    {
        uint256 count = shoppers.length;
        if (count == 0 || orderIds.length != count || amounts.length != count) {
            revert InvalidBatchLength(count, orderIds.length, amounts.length);
        }
        StorefrontIssuanceSlot issuance = _issuerSlot(msg.sender);
        _markRewardedBatch(msg.sender, orderIds);
        _charge(msg.sender, issuance, _mintBatch(shoppers, amounts));
        emit PointsIssuedInBatch(msg.sender, orderIds);
    }

    /// @inheritdoc IRewardToken
    /// @dev Marks the range a bitmap word at a time.
    function issueForOrderRange(uint256 firstOrderId, address[] calldata shoppers, uint256[] calldata amounts)
        external
    {
        uint256 count = shoppers.length;
        if (count == 0 || amounts.length != count) revert InvalidBatchLength(count, count, amounts.length);
        if (firstOrderId > type(uint256).max - (count - 1)) revert OrderRangeOverflow(firstOrderId, count);
        StorefrontIssuanceSlot issuance = _issuerSlot(msg.sender);
        _markRewardedRange(msg.sender, firstOrderId, count);
        _charge(msg.sender, issuance, _mintBatch(shoppers, amounts));
        emit PointsIssuedForOrderRange(msg.sender, firstOrderId, count);
    }

    /// @inheritdoc IRewardToken
    function claimVoucher(RewardVoucher memory voucher, bytes32 r, bytes32 vs) external {
        if (block.timestamp > voucher.deadline) revert VoucherExpired(voucher.deadline, block.timestamp);
        address signer = ECDSA.recover(_voucherDigest(voucher), r, vs);
        if (signer != voucher.storefront) revert VoucherSignerMismatch(signer, voucher.storefront);
        _issue(voucher.storefront, voucher.shopper, voucher.orderId, voucher.amount);
    }

    // ─── Redemption ─────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IRewardToken
    function redeem(address storefront, uint256 amount, bytes32 ref) external {
        if (storefront == address(0)) revert InvalidStorefront(storefront);
        _redeem(storefront, msg.sender, amount, ref);
    }

    /// @inheritdoc IRewardToken
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

    // ─── Admin ──────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Sets how many points `storefront` may issue per period of `capPeriod` seconds.
    /// @dev The new cap applies from the current period of the new length (aligned to multiples of it), and
    /// what was issued in the current period of the old length counts against it: changing the period never
    /// starts a fresh allowance early.
    function setIssuanceCap(address storefront, uint256 capPerPeriod, uint256 capPeriod)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        if (storefront == address(0)) revert InvalidStorefront(storefront);
        if (capPeriod == 0 || capPeriod > type(uint32).max) revert InvalidCapPeriod(capPeriod);
        if (capPerPeriod > type(uint88).max) revert CapPerPeriodTooLarge(capPerPeriod);
        mapping(address => StorefrontIssuanceSlot) storage storefronts = _getRewardTokenStorage().storefronts;
        StorefrontIssuance memory issuance = storefronts[storefront].toStruct(block.timestamp);
        issuance.capPerPeriod = uint88(capPerPeriod);
        issuance.capPeriod = uint32(capPeriod);
        // A uint40 holds timestamps for the next 34,000 years.
        issuance.periodStart = uint40(block.timestamp - (block.timestamp % capPeriod));
        storefronts[storefront] = StorefrontIssuanceSlots.fromStruct(issuance);
        emit IssuanceCapSet(storefront, capPerPeriod, capPeriod);
    }

    /// @notice Locks (or unlocks) transfers between holders; issuing and redeeming keep working.
    function setTransfersLocked(bool locked) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _getRewardTokenStorage().policy.transfersLocked = locked;
        emit TransfersLockedSet(locked);
    }

    /// @notice Sets the global supply cap; 0 removes it.
    function setSupplyCap(uint256 cap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (cap > type(uint128).max) revert SupplyCapTooLarge(cap);
        if (cap != 0 && cap < totalSupply()) revert SupplyCapBelowSupply(cap, totalSupply());
        _getRewardTokenStorage().policy.supplyCap = uint128(cap);
        emit SupplyCapSet(cap);
    }

    /// @notice Stops issuance, redemption and transfers.
    function pause() external onlyRole(PAUSER_ROLE) {
        TokenPolicy storage policy = _getRewardTokenStorage().policy;
        if (policy.paused) revert EnforcedPause();
        policy.paused = true;
        emit Paused(_msgSender());
    }

    /// @notice Resumes issuance, redemption and transfers.
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

    /// @notice Whether issuance, redemption and transfers are stopped.
    function paused() external view returns (bool) {
        return _getRewardTokenStorage().policy.paused;
    }

    /// @notice Whether transfers between holders are locked.
    function transfersLocked() external view returns (bool) {
        return _getRewardTokenStorage().policy.transfersLocked;
    }

    /// @notice The global supply cap; 0 when there is none.
    function supplyCap() external view returns (uint256) {
        return _getRewardTokenStorage().policy.supplyCap;
    }

    /// @inheritdoc AccessControlUpgradeable
    /// @dev Issuers are read from the storefront's issuance slot.
    function hasRole(bytes32 role, address account) public view override returns (bool) {
        if (role == ISSUER_ROLE) return _getRewardTokenStorage().storefronts[account].isIssuer();
        return super.hasRole(role, account);
    }

    // ─── Internals ──────────────────────────────────────────────────────────────────────────────────────

    function _issue(address storefront, address shopper, uint256 orderId, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        _charge(storefront, _issuerSlot(storefront), amount);
        _markRewarded(storefront, orderId);
        _mint(shopper, amount);
        emit PointsIssued(storefront, orderId);
    }

    function _redeem(address storefront, address shopper, uint256 amount, bytes32 ref) private {
        if (amount == 0) revert ZeroAmount();
        _burn(shopper, amount);
        emit PointsRedeemed(storefront, ref);
    }

    /// @dev Mints a batch and returns its total. What `_update` checks on every call (pause, supply cap), the
    /// batch checks once; minting cannot meet the transfer lock.
    function _mintBatch(address[] calldata shoppers, uint256[] calldata amounts) private returns (uint256 total) {
        _requireNotPaused();
        for (uint256 i; i < shoppers.length; ++i) {
            address shopper = shoppers[i];
            uint256 amount = amounts[i];
            if (shopper == address(0)) revert ERC20InvalidReceiver(shopper);
            if (amount == 0) revert ZeroAmount();
            ERC20Upgradeable._update(address(0), shopper, amount);
            total += amount;
        }
        _requireWithinSupplyCap();
    }

    /// @dev The storefront's packed issuance word, reverting unless it holds the issuer role.
    function _issuerSlot(address storefront) private view returns (StorefrontIssuanceSlot issuance) {
        issuance = _getRewardTokenStorage().storefronts[storefront];
        if (!issuance.isIssuer()) revert AccessControlUnauthorizedAccount(storefront, ISSUER_ROLE);
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

    function _voucherDigest(RewardVoucher memory voucher) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(REWARD_VOUCHER_TYPEHASH, voucher)));
    }

    /// @dev Every balance change passes here: the pause, the transfer lock and the supply cap, all in one slot.
    function _update(address from, address to, uint256 value) internal override {
        TokenPolicy storage policy = _getRewardTokenStorage().policy;
        // Read every field before branching, so that the optimizer loads the slot once.
        (bool isPaused, bool locked, uint256 cap) = (policy.paused, policy.transfersLocked, policy.supplyCap);
        if (isPaused) revert EnforcedPause();
        if (from == address(0)) {
            // totalSupply() is read only when a cap is set; OpenZeppelin's overflow check still guards the sum.
            if (cap != 0 && totalSupply() + value > cap) revert SupplyCapExceeded(cap, totalSupply() + value);
        } else if (to != address(0) && locked) {
            revert TransfersLocked(from, to);
        }
        super._update(from, to, value);
    }

    function _requireNotPaused() private view {
        if (_getRewardTokenStorage().policy.paused) revert EnforcedPause();
    }

    function _requireWithinSupplyCap() private view {
        uint256 cap = _getRewardTokenStorage().policy.supplyCap;
        if (cap != 0 && totalSupply() > cap) revert SupplyCapExceeded(cap, totalSupply());
    }

    /// @dev Issuer membership is a flag in the storefront's issuance slot; other roles use AccessControl.
    function _grantRole(bytes32 role, address account) internal override returns (bool) {
        if (role != ISSUER_ROLE) return super._grantRole(role, account);
        if (account == address(0)) revert InvalidStorefront(account);
        return _setIssuer(account, true);
    }

    /// @dev Revoking keeps the storefront's cap and this period's count, so a re-grant starts no fresh period.
    function _revokeRole(bytes32 role, address account) internal override returns (bool) {
        if (role != ISSUER_ROLE) return super._revokeRole(role, account);
        return _setIssuer(account, false);
    }

    function _setIssuer(address account, bool issuer) private returns (bool changed) {
        mapping(address => StorefrontIssuanceSlot) storage storefronts = _getRewardTokenStorage().storefronts;
        StorefrontIssuanceSlot slot = storefronts[account];
        if (slot.isIssuer() == issuer) return false;
        storefronts[account] = slot.withIssuer(issuer);
        if (issuer) emit RoleGranted(ISSUER_ROLE, account, _msgSender());
        else emit RoleRevoked(ISSUER_ROLE, account, _msgSender());
        return true;
    }

    function _authorizeUpgrade(address) internal override onlyRole(UPGRADER_ROLE) {}

    /// @dev The same digest as OpenZeppelin's, from the constant name and version hashes instead of hashing
    /// the name and version strings on every signature.
    function _hashTypedDataV4(bytes32 structHash) internal view override returns (bytes32) {
        bytes32 domainSeparator =
            keccak256(abi.encode(DOMAIN_TYPEHASH, DOMAIN_NAME_HASH, DOMAIN_VERSION_HASH, block.chainid, address(this)));
        return MessageHashUtils.toTypedDataHash(domainSeparator, structHash);
    }

    function _EIP712Name() internal pure override returns (string memory) {
        return DOMAIN_NAME;
    }

    function _EIP712Version() internal pure override returns (string memory) {
        return DOMAIN_VERSION;
    }

    function _getRewardTokenStorage() private pure returns (RewardTokenStorage storage $) {
        assembly {
            $.slot := REWARD_TOKEN_STORAGE
        }
    }
}
